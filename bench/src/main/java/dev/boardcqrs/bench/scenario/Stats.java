package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.bench.load.LoadRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Medians and percentiles of a scenario's samples. */
final class Stats {
    private Stats() {
    }

    static double median(List<Double> values) {
        return percentile(values, 0.5);
    }

    /** The nearest-rank percentile; NaN for no samples. */
    static double percentile(List<Double> values, double fraction) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        if (fraction == 0.5 && sorted.size() % 2 == 0) {
            return (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        }
        int index = (int) Math.ceil(fraction * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** Our throughput over theirs, run by run (the runs of one round were made back to back). */
    static List<Double> throughputRatios(List<LoadRun.Result> ours, List<LoadRun.Result> theirs) {
        return ratios(ours, theirs, LoadRun.Result::throughput);
    }

    /** Our {@code measure} over theirs, run by run. */
    static List<Double> ratios(List<LoadRun.Result> ours, List<LoadRun.Result> theirs,
                               ToDoubleFunction<LoadRun.Result> measure) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(ours.size(), theirs.size()); i++) {
            ratios.add(measure.applyAsDouble(ours.get(i)) / measure.applyAsDouble(theirs.get(i)));
        }
        return ratios;
    }

    /** The medians over the runs of one cell (a target under one load), with its request and error totals. */
    record Cell(long requests, long errors, double throughput, double p50Ms, double p99Ms) {
        static Cell of(List<LoadRun.Result> runs) {
            return new Cell(runs.stream().mapToLong(LoadRun.Result::requests).sum(),
                    runs.stream().mapToLong(LoadRun.Result::errors).sum(),
                    median(runs.stream().map(LoadRun.Result::throughput).toList()),
                    median(runs.stream().map(LoadRun.Result::p50Ms).toList()),
                    median(runs.stream().map(LoadRun.Result::p99Ms).toList()));
        }

        /** The cell's JSON row: target, concurrency, then its totals and medians; a scenario adds its own. */
        Map<String, Object> row(String target, int concurrency) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("target", target);
            row.put("concurrency", concurrency);
            row.put("requests", requests);
            row.put("errors", errors);
            row.put("throughput", throughput);
            row.put("p50Ms", p50Ms);
            row.put("p99Ms", p99Ms);
            return row;
        }
    }
}
