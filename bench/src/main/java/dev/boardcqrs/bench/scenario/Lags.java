package dev.boardcqrs.bench.scenario;

import java.util.List;

/** Commit-to-seen lags of the sampled writes, and how many were never seen within the observer's patience. */
record Lags(List<Double> millis, long notSeen) {
    double p50() {
        return Stats.percentile(millis, 0.50);
    }

    double p99() {
        return Stats.percentile(millis, 0.99);
    }

    double max() {
        return Stats.percentile(millis, 1.0);
    }
}
