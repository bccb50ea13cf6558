package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.bench.Progress;
import dev.boardcqrs.bench.report.Results;
import dev.boardcqrs.bench.report.Section;
import dev.boardcqrs.projector.apply.ProjectorStatus;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Rebuild: wall time of a full rebuild of the seeded data, as an operator's `cdc-projector rebuild` asks for
 * it (engine stopped, offsets forgotten, namespace emptied, new snapshot), from the request to the snapshot
 * done, and the rate of its snapshot phase.
 */
public final class RebuildScenario implements Scenario {
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    @Override
    public String name() {
        return "rebuild";
    }

    @Override
    public void run(BenchContext context, Results results) throws Exception {
        ProjectorStatus status = context.stack().projector().status();
        long snapshotsBefore = completedSnapshots(status);
        long rowsBefore = status.snapshotRows();
        long started = System.nanoTime();
        context.stack().projector().rebuild("benchmark");
        // the snapshot phase starts once the engine restarted; wait for its first row, then measure it
        while (status.snapshotRows() == rowsBefore && completedSnapshots(status) == snapshotsBefore) {
            if (System.nanoTime() - started > TIMEOUT.toNanos()) {
                throw new IllegalStateException("the rebuild did not start within " + TIMEOUT.toMinutes() + " min");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        Progress.Measured snapshot = Progress.await(status::snapshotRows,
                () -> completedSnapshots(status) > snapshotsBefore, TIMEOUT);
        double wallSeconds = (System.nanoTime() - started) / 1e9;
        long rows = status.snapshotRows() - rowsBefore;
        results.add(Section.of(name(), "Rebuild", "rows", "wall time s", "rows/s over the wall time",
                        "rows/s of the snapshot phase"))
                .row(rows, wallSeconds, rows / wallSeconds, snapshot.rate())
                .put("rows", rows)
                .put("wallSeconds", wallSeconds)
                .put("rowsPerSecond", rows / wallSeconds)
                .note("From Projector.rebuild (what POST /rebuild and `cdc-projector rebuild` call) to the snapshot "
                        + "marked done; readers use SQL meanwhile.");
    }

    private static long completedSnapshots(ProjectorStatus status) {
        return ((Number) status.toMap().get("completedSnapshots")).longValue();
    }
}
