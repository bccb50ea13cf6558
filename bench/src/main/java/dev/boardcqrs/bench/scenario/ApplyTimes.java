package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.bench.load.HttpConnection;
import dev.boardcqrs.embedded.PrometheusText;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The projector's own part of a freshness lag: its {@code projector_batch_apply_seconds} histogram (from an engine
 * batch's hand-over until every store has it) read before and after a phase, so the batches of that phase alone
 * give percentiles. Beside the count-only consumer's lag (commit to the engine's hand-over) and query-api's (commit
 * to visible), it splits a lag into the source's part, the projector's and what comes after Redis' commit.
 *
 * @param buckets cumulative count per upper bound in seconds, as the histogram's buckets hold them
 */
record ApplyTimes(Map<Double, Double> buckets) {
    static final String HISTOGRAM = "projector_batch_apply_seconds_bucket";

    /** The histogram as the projector on {@code port} reports it now. */
    static ApplyTimes read(int port) throws IOException {
        try (HttpConnection http = new HttpConnection("127.0.0.1", port)) {
            return parse(http.get("/metrics").body());
        }
    }

    static ApplyTimes parse(String scrape) {
        Map<Double, Double> buckets = new TreeMap<>();
        for (String bound : PrometheusText.labelValues(scrape, HISTOGRAM, "le")) {
            double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            buckets.put(upper, PrometheusText.sum(scrape, HISTOGRAM, Map.of("le", bound)));
        }
        return new ApplyTimes(buckets);
    }

    /** The batches applied after {@code before} was read and up to this reading. */
    long batchesSince(ApplyTimes before) {
        return Math.round(countUpTo(Double.POSITIVE_INFINITY, this) - countUpTo(Double.POSITIVE_INFINITY, before));
    }

    /**
     * The {@code quantile} of the apply times of the batches between {@code before} and this reading, in ms: the
     * upper bound of the bucket it falls in (so at most one bucket's width high); NaN when no batch was applied.
     */
    double quantileMsSince(ApplyTimes before, double quantile) {
        long batches = batchesSince(before);
        if (batches == 0) {
            return Double.NaN;
        }
        double rank = Math.ceil(quantile * batches);
        for (double upper : buckets.keySet()) {
            if (countUpTo(upper, this) - countUpTo(upper, before) >= rank) {
                return upper * 1000;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static double countUpTo(double upper, ApplyTimes reading) {
        return reading.buckets.getOrDefault(upper, 0.0);
    }
}
