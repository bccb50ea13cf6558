package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.bench.baseline.CountingEngine;
import dev.boardcqrs.bench.data.Dataset;
import dev.boardcqrs.bench.load.HttpConnection;
import dev.boardcqrs.bench.report.Format;
import dev.boardcqrs.bench.report.Results;
import dev.boardcqrs.bench.report.Section;
import dev.boardcqrs.bench.report.TargetCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Freshness: commit to visible in query-api at steady write rates (BENCH_WRITE_RATES, then as fast as the
 * writers can), beside commit to seen by a count-only Debezium consumer under the same writes. The projector
 * is stopped while the count-only engine is measured and catches up before the next rate.
 */
public final class FreshnessScenario implements Scenario {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Override
    public String name() {
        return "freshness";
    }

    @Override
    public void run(BenchContext context, Results results) throws Exception {
        Section section = results.add(Section.of(name(), "Freshness: commit to visible in query-api vs commit to "
                        + "seen by a count-only Debezium consumer", "write rate", "achieved writes/s", "observer",
                "samples", "p50 ms", "p99 ms", "max ms", "not seen", "projector apply p50 / p99 ms (batches)"));
        List<Integer> rates = new ArrayList<>(context.config().writeRates());
        rates.add(0);
        List<Map<String, Object>> rows = new ArrayList<>();
        IdleCpu projectorIdle = IdleCpu.measure();
        IdleCpu countOnlyIdle = null;
        int phase = 0;
        for (int rate : rates) {
            String rateName = rate == 0 ? "max (" + WriteLoad.WRITERS + " writers)" : rate + "/s";
            WriteLoad.Written written;
            Lags queryApi;
            ApplyTimes applyBefore = ApplyTimes.read(context.stack().projector().port());
            try (QueryApiObserver observer = new QueryApiObserver(context.queryApiPort())) {
                written = load(context, ++phase).run(rate, context.config().warmup(),
                        context.config().freshnessDuration(), observer);
                queryApi = observer.finish(PATIENCE);
            }
            ApplyTimes applyAfter = ApplyTimes.read(context.stack().projector().port());
            rows.add(row(section, rateName, rate, written, "query-api", queryApi, applyAfter, applyBefore));
            if (rate == 100) {
                results.target(TargetCheck.atMost("freshness p50 <= 5 ms at 100 writes/s (beside the idle projector's CPU)",
                        queryApi.p50(), 5, " ms"));
            }
            if (rate == 1000) {
                results.target(TargetCheck.atMost("freshness p50 <= 10 ms at 1,000 writes/s", queryApi.p50(), 10, " ms"));
                results.target(TargetCheck.atMost("freshness p99 <= 50 ms at 1,000 writes/s", queryApi.p99(), 50, " ms"));
            }

            context.stack().stopProjector();
            Lags engine;
            WriteLoad.Written engineWritten;
            try (CountingEngine counter = new CountingEngine(context.stack().projectorConfig(),
                    context.newDirectory("count-only-fresh"), "no_data")) {
                counter.start(Duration.ofMinutes(2));
                awaitStreaming(context, counter, phase);
                if (countOnlyIdle == null) {
                    countOnlyIdle = IdleCpu.measure();
                }
                EngineObserver observer = new EngineObserver(counter);
                engineWritten = load(context, ++phase).run(rate, context.config().warmup(),
                        context.config().freshnessDuration(), observer);
                engine = observer.finish(PATIENCE);
            }
            rows.add(row(section, rateName, rate, engineWritten, "count-only Debezium", engine, null, null));
            context.stack().startProjectorAgain();
            awaitVisible(context.queryApiPort(), engineWritten.lastArticleId(), engineWritten.lastTitle());
        }
        idleSection(results, projectorIdle, countOnlyIdle);
        section.put("measurements", rows)
                .note("Each rate runs BENCH_WARMUP (" + context.config().warmup().toMillis() + " ms) before it is "
                        + "measured: writes at that rate, neither sampled nor counted (the first writes after a start "
                        + "meet cold code).")
                .note("Writes are single-row UPDATEs of article titles with plain SQL (autocommit) from "
                        + WriteLoad.WRITERS + " connections on a fixed schedule; up to 200 writes per second are "
                        + "sampled; lag runs from the commit returning to the client to the first observation.")
                .note("query-api is polled every 0.25 ms per sampled write (every fiftieth of the time waited once that is longer, at most 20 ms) until it answers that title or a later "
                        + "one of the same article (then the state it shows includes the write; a batch may carry "
                        + "both, and Redis never holds the earlier one); the count-only consumer notes the "
                        + "arrival of each title in its batch (snapshot.mode=no_data, otherwise the projector's "
                        + "engine settings). The projector is stopped while the count-only engine is measured.")
                .note("Projector apply: its projector_batch_apply_seconds histogram over the phase (warm-up "
                        + "included), from an engine batch's hand-over to every store having it; the bucket's upper "
                        + "bound. With the count-only lag (commit to hand-over) it splits query-api's lag into the "
                        + "source's part, the projector's, and what follows Redis' commit (the near cache's "
                        + "invalidation, the answer, the poll).");
    }

    private void idleSection(Results results, IdleCpu projectorIdle, IdleCpu countOnlyIdle) {
        Section idle = results.add(Section.of(name(), "At rest: the benchmark JVM's CPU while nothing is written",
                "engine reading the binlog", "Java threads, % of one core", "whole process, % of one core"));
        idle.row("the projector (its connector sleeps between empty polls)",
                Format.decimal(projectorIdle.threadsPercent()), Format.decimal(projectorIdle.processPercent()));
        if (countOnlyIdle != null) {
            idle.row("the count-only Debezium engine instead (Debezium's poll)",
                    Format.decimal(countOnlyIdle.threadsPercent()), Format.decimal(countOnlyIdle.processPercent()));
        }
        idle.put("projector", projectorIdle).put("countOnly", countOnlyIdle)
                .note("Measured over " + IdleCpu.WINDOW.toSeconds() + " s, a second after the last write was seen, "
                        + "both at PROJECTOR_POLL_INTERVAL's default of 1 ms: query-api, command-api and the "
                        + "projector at rest, or the count-only engine with the projector stopped. Java threads: the "
                        + "sum of every Java thread's CPU (ThreadMXBean), the stack's own work; the whole process "
                        + "adds the JIT compiler and the garbage collector, still finishing the previous load.");
        results.target(TargetCheck.atMost("idle projector <= 5% of a core (the stack's Java threads at rest)",
                projectorIdle.threadsPercent(), 5, "%"));
    }

    private static WriteLoad load(BenchContext context, int phase) {
        return new WriteLoad(context.stack().database(), context.data(), Integer.toString(phase));
    }

    /** Adds a measured rate to {@code section}'s table (the columns of this scenario's) and returns its numbers. */
    static Map<String, Object> row(Section section, String rateName, int rate, WriteLoad.Written written,
                                           String observer, Lags lags) {
        section.row(rateName, written.ratePerSecond(), observer, lags.millis().size(), lags.p50(), lags.p99(),
                lags.max(), lags.notSeen());
        return row(rate, written, observer, lags);
    }

    /** {@link #row}, with the projector's apply times over the phase (both null for an observer without one). */
    private static Map<String, Object> row(Section section, String rateName, int rate, WriteLoad.Written written,
                                           String observer, Lags lags, ApplyTimes after, ApplyTimes before) {
        String apply = null;
        Map<String, Object> applyFields = new LinkedHashMap<>();
        if (after != null) {
            double p50 = after.quantileMsSince(before, 0.50);
            double p99 = after.quantileMsSince(before, 0.99);
            long batches = after.batchesSince(before);
            apply = Format.decimal(p50) + " / " + Format.decimal(p99) + " (" + batches + ")";
            // null, not NaN or Infinity, which JSON has no number for (no batch, or beyond the highest bucket)
            applyFields.put("projectorApplyP50Ms", Double.isFinite(p50) ? p50 : null);
            applyFields.put("projectorApplyP99Ms", Double.isFinite(p99) ? p99 : null);
            applyFields.put("projectorBatches", batches);
        }
        section.row(rateName, written.ratePerSecond(), observer, lags.millis().size(), lags.p50(), lags.p99(),
                lags.max(), lags.notSeen(), apply);
        Map<String, Object> row = row(rate, written, observer, lags);
        row.putAll(applyFields);
        return row;
    }

    private static Map<String, Object> row(int rate, WriteLoad.Written written, String observer, Lags lags) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("rate", rate);
        row.put("observer", observer);
        row.put("writes", written.writes());
        row.put("achievedRate", written.ratePerSecond());
        row.put("samples", lags.millis().size());
        row.put("notSeen", lags.notSeen());
        row.put("p50Ms", lags.p50());
        row.put("p99Ms", lags.p99());
        row.put("maxMs", lags.max());
        return row;
    }

    // With snapshot.mode=no_data the engine reads the binlog position after its task started: a write before
    // that would never reach it. Write probes until one arrives, so every measured write can.
    private static void awaitStreaming(BenchContext context, CountingEngine counter, int phase) throws Exception {
        long articleId = Dataset.coldId(context.data().coldArticles() - 1);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            String title = "fresh-probe-" + phase + "-" + attempt;
            context.stack().database().execute("UPDATE article SET title = ? WHERE article_id = ?", title, articleId);
            long probeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < probeDeadline) {
                if (counter.titlesSeenAtNanos().containsKey(title)) {
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
        throw new IllegalStateException("the count-only engine saw no write within 2 minutes");
    }

    // the projector restarted after the count-only phase: it must have caught up before the next rate
    static void awaitVisible(int port, long articleId, String title) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        try (HttpConnection http = new HttpConnection("127.0.0.1", port)) {
            while (!http.get("/articles/" + articleId).body().contains("\"title\":\"" + title + "\"")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the projector did not catch up with article " + articleId);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
    }
}
