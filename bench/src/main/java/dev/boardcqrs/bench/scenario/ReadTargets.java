package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.bench.load.LoadRun;
import dev.boardcqrs.bench.report.Format;
import dev.boardcqrs.bench.report.TargetCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The read targets (issue 19), each a ratio to the bare Javalin measured in the same round, never an absolute
 * time: on some 2-core VMs the bare server alone missed the old "p99 <= 5 ms", so an absolute bound measured the
 * machine, not query-api. Ratios are taken round by round, then the median, like the report's.
 */
final class ReadTargets {
    /** Article reads, uniform and skewed ids, at the highest concurrency: throughput / bare Javalin's. */
    static final double ARTICLE_THROUGHPUT = 0.85;
    /** Article reads at the highest concurrency: p99 / bare Javalin's p99. */
    static final double ARTICLE_P99 = 1.3;
    /** Board list page, at every concurrency: throughput / bare Javalin's (a body of the same size). */
    static final double PAGE_THROUGHPUT = 0.7;
    /** Article reads, skewed ids, at the highest concurrency: throughput / SQL's (issue 6). */
    static final double SKEWED_VS_SQL = 5;

    /** Which kind of read a workload is. */
    enum Kind { ARTICLE_UNIFORM, ARTICLE_SKEWED, PAGE }

    private ReadTargets() {
    }

    /**
     * The targets one workload answers for; {@code highest}: the highest concurrency of the run. Each list holds
     * one result per round, in round order.
     */
    static List<TargetCheck> of(String workload, Kind kind, int concurrency, int highest,
                                List<LoadRun.Result> queryApi, List<LoadRun.Result> bare, List<LoadRun.Result> sql) {
        String where = " (" + workload + ", c=" + concurrency + ")";
        List<TargetCheck> targets = new ArrayList<>();
        double vsBare = medianRatio(queryApi, bare, LoadRun.Result::throughput);
        if (kind == Kind.PAGE) {
            targets.add(TargetCheck.atLeast("board list page >= " + PAGE_THROUGHPUT + " x bare Javalin" + where,
                    vsBare, PAGE_THROUGHPUT, " x"));
            return targets;
        }
        if (concurrency != highest) {
            return targets;
        }
        targets.add(TargetCheck.atLeast("read throughput >= " + ARTICLE_THROUGHPUT + " x bare Javalin" + where,
                vsBare, ARTICLE_THROUGHPUT, " x"));
        targets.add(TargetCheck.atMost("read p99 <= " + ARTICLE_P99 + " x bare Javalin's p99" + where + ": "
                        + Format.decimal(median(queryApi, LoadRun.Result::p99Ms)) + " vs "
                        + Format.decimal(median(bare, LoadRun.Result::p99Ms)) + " ms",
                medianRatio(queryApi, bare, LoadRun.Result::p99Ms), ARTICLE_P99, " x"));
        if (kind == Kind.ARTICLE_SKEWED) {
            targets.add(TargetCheck.atLeast("read throughput >= " + Math.round(SKEWED_VS_SQL) + " x SQL" + where,
                    medianRatio(queryApi, sql, LoadRun.Result::throughput), SKEWED_VS_SQL, " x"));
        }
        return targets;
    }

    /** The median over rounds of ours / theirs, each round's pair taken together. */
    static double medianRatio(List<LoadRun.Result> ours, List<LoadRun.Result> theirs,
                              ToDoubleFunction<LoadRun.Result> measure) {
        return Stats.median(Stats.ratios(ours, theirs, measure));
    }

    private static double median(List<LoadRun.Result> runs, ToDoubleFunction<LoadRun.Result> measure) {
        return Stats.median(runs.stream().map(run -> measure.applyAsDouble(run)).toList());
    }
}
