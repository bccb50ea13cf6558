package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.bench.Progress;
import dev.boardcqrs.bench.Progress.Measured;
import dev.boardcqrs.bench.RedisCpu;
import dev.boardcqrs.bench.baseline.CountingEngine;
import dev.boardcqrs.bench.data.ChangeWriter;
import dev.boardcqrs.bench.report.Format;
import dev.boardcqrs.bench.report.Results;
import dev.boardcqrs.bench.report.Section;
import dev.boardcqrs.bench.report.TargetCheck;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.projector.apply.ProjectorStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Projector throughput against a count-only Debezium consumer with the same engine settings, on the same data:
 * the snapshot of the seeded tables, then catching up on the same streamed changes, written while both were
 * stopped (each run: projector stopped, changes written, count-only engine catches up, projector catches up).
 */
public final class ProjectorScenario implements Scenario {
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    @Override
    public String name() {
        return "projector";
    }

    @Override
    public void run(BenchContext context, Results results) throws Exception {
        Section section = results.add(Section.of(name(), "Projector throughput vs a count-only Debezium consumer",
                "phase", "run", "rows", "projector rows/s", "count-only rows/s", "ratio",
                "Redis CPU s per projector s"));
        long sourceRows = sourceRows(context.stack().database());
        Measured projectorSnapshot = context.initialSnapshot();
        context.stack().stopProjector();
        Path offsets = context.newDirectory("count-only");
        Measured baselineSnapshot;
        long baselineSnapshotRows;
        try (CountingEngine counter = new CountingEngine(context.stack().projectorConfig(), offsets, "initial")) {
            counter.start(Duration.ofMinutes(2));
            baselineSnapshot = Progress.await(counter::rowChanges, () -> counter.rowChanges() >= sourceRows, TIMEOUT);
            baselineSnapshotRows = counter.rowChanges();
        }
        double coldRatio = projectorSnapshot.rate() / baselineSnapshot.rate();
        section.row("snapshot (first in the JVM)", 1, sourceRows, projectorSnapshot.rate(), baselineSnapshot.rate(),
                coldRatio, context.snapshotRedisCpuSeconds() / projectorSnapshot.seconds());
        double redisCpuBeforeSnapshot = RedisCpu.seconds(context.stack().redis());
        Measured warmSnapshot = snapshotAgain(context, sourceRows);
        double warmRedisCpu = RedisCpu.seconds(context.stack().redis()) - redisCpuBeforeSnapshot;
        double snapshotRatio = warmSnapshot.rate() / baselineSnapshot.rate();
        section.row("snapshot (again, after the count-only one)", 2, sourceRows, warmSnapshot.rate(),
                baselineSnapshot.rate(), snapshotRatio, warmRedisCpu / warmSnapshot.seconds());
        section.put("sourceRows", sourceRows)
                .put("countOnlySnapshotRows", baselineSnapshotRows)
                .put("firstSnapshotRowsPerSecond", projectorSnapshot.rate())
                .put("snapshotRowsPerSecond", warmSnapshot.rate())
                .put("countOnlySnapshotRowsPerSecond", baselineSnapshot.rate())
                .put("firstSnapshotRatio", coldRatio)
                .put("snapshotRatio", snapshotRatio);

        List<Double> ratios = new ArrayList<>();
        List<Long> projectorCounts = new ArrayList<>();
        List<Long> baselineCounts = new ArrayList<>();
        long changes = context.config().streamChanges();
        try (Connection connection = context.stack().database().connectAsRoot()) {
            ChangeWriter writer = new ChangeWriter(connection, context.data());
            for (int run = 1; run <= context.config().runs(); run++) {
                context.stack().stopProjector();
                long writeStarted = System.nanoTime();
                writer.write(changes);
                double writeSeconds = (System.nanoTime() - writeStarted) / 1e9;
                Measured baseline;
                try (CountingEngine counter = new CountingEngine(context.stack().projectorConfig(), offsets, "initial")) {
                    counter.start(Duration.ofMinutes(2));
                    baseline = Progress.await(counter::rowChanges, () -> counter.rowChanges() >= changes, TIMEOUT);
                    baselineCounts.add(counter.rowChanges());
                }
                ProjectorStatus status = context.stack().startProjectorAgain().status();
                double redisCpuBefore = RedisCpu.seconds(context.stack().redis());
                Measured projector = Progress.await(status::streamedChanges, () -> status.streamedChanges() >= changes,
                        TIMEOUT);
                double redisCpu = RedisCpu.seconds(context.stack().redis()) - redisCpuBefore;
                projectorCounts.add(status.streamedChanges());
                double ratio = projector.rate() / baseline.rate();
                ratios.add(ratio);
                section.row("streaming (written at " + Format.decimal(changes / writeSeconds) + " rows/s)", run,
                        changes, projector.rate(), baseline.rate(), ratio, redisCpu / projector.seconds());
            }
        }
        double streamingRatio = Stats.median(ratios);
        section.put("streamChanges", changes)
                .put("projectorStreamedChanges", projectorCounts)
                .put("countOnlyStreamedChanges", baselineCounts)
                .put("streamingRatios", ratios)
                .put("streamingRatio", streamingRatio)
                .note("Rates are measured from the first poll (every 1 ms) that saw the counter move to the poll "
                        + "that saw it done, for both alike, so engine start-up is outside both windows.")
                .note("Both engines use EngineProperties of the projector's config (poll.interval.ms, batch and "
                        + "queue sizes, transaction metadata); the count-only one counts row changes and commits.")
                .note("Streamed changes per run: half comment inserts, a quarter like inserts, a quarter article "
                        + "updates, in transactions of 1,000 rows, written while both engines were stopped.")
                .note("Redis CPU s per projector s: CPU the Redis server used (INFO cpu) per second of the "
                        + "projector's window; near 1 means Redis, single-threaded, was the limit (for the snapshot "
                        + "it includes the little Redis did before the snapshot started).");
        section.note("Snapshot run 1 is the first work of this JVM, cold; run 2 snapshots the same rows again into "
                + "a new generation after the count-only engine's snapshot, so both ran with Debezium's code compiled. "
                + "The target uses run 2.");
        results.target(TargetCheck.atLeast("projector snapshot >= 0.8 x count-only Debezium", snapshotRatio, 0.8, " x"));
        results.target(TargetCheck.atLeast("projector streaming >= 0.8 x count-only Debezium (median of "
                + ratios.size() + ")", streamingRatio, 0.8, " x"));
    }

    /**
     * Snapshots the seeded tables into the projector once more and measures it. The first snapshot is the first
     * thing this JVM does, so it pays for the JIT compiling Debezium's snapshot code, which the count-only
     * engine, running second, finds compiled. Now both have run once. The projector is stopped and its offsets
     * deleted, so it starts as after a lost offset file: it builds a new generation in place.
     */
    private static Measured snapshotAgain(BenchContext context, long sourceRows) throws Exception {
        context.stack().stopProjector();
        Path offsets = context.stack().projectorConfig().offsetFile();
        String stem = offsets.getFileName().toString().replaceFirst("\\.dat$", "");
        try (Stream<Path> files = Files.list(offsets.toAbsolutePath().getParent())) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(stem)).toList()) {
                Files.delete(file);
            }
        }
        ProjectorStatus status = context.stack().startProjectorAgain().status();
        return Progress.await(status::snapshotRows,
                () -> ((Number) status.toMap().get("completedSnapshots")).longValue() >= 1
                        && status.snapshotRows() >= sourceRows, TIMEOUT);
    }

    private static long sourceRows(EmbeddedDatabase database) throws java.sql.SQLException {
        return database.count("SELECT (SELECT COUNT(*) FROM article) + (SELECT COUNT(*) FROM comment) "
                + "+ (SELECT COUNT(*) FROM article_like)");
    }
}
