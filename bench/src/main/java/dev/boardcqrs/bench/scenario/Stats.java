package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.bench.load.LoadRun;
import java.util.ArrayList;
import java.util.List;
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
}
