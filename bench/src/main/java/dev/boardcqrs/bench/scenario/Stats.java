package dev.boardcqrs.bench.scenario;

import java.util.List;

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
}
