package dev.boardcqrs.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApplyTimesTest {

    private static String scrape(long upTo1ms, long upTo2ms, long upTo4ms, long all) {
        return "# HELP projector_batch_apply_seconds time from an engine batch's hand-over\n"
                + "# TYPE projector_batch_apply_seconds histogram\n"
                + "projector_batch_apply_seconds_bucket{le=\"0.001\"} " + upTo1ms + "\n"
                + "projector_batch_apply_seconds_bucket{le=\"0.002\"} " + upTo2ms + "\n"
                + "projector_batch_apply_seconds_bucket{le=\"0.004\"} " + upTo4ms + "\n"
                + "projector_batch_apply_seconds_bucket{le=\"+Inf\"} " + all + "\n"
                + "projector_batch_apply_seconds_count " + all + "\n"
                + "projector_batch_size_count 12\n";
    }

    @Test
    void percentilesCountOnlyTheBatchesOfThePhase() {
        // before the phase: 1,000 fast batches (a snapshot); in it: 10 batches, 2 up to 1 ms, 7 up to 2 ms, 1 slower
        ApplyTimes before = ApplyTimes.parse(scrape(1_000, 1_000, 1_000, 1_000));
        ApplyTimes after = ApplyTimes.parse(scrape(1_002, 1_007, 1_009, 1_010));

        assertThat(after.batchesSince(before)).isEqualTo(10);
        assertThat(after.quantileMsSince(before, 0.50)).isEqualTo(2.0);
        assertThat(after.quantileMsSince(before, 0.20)).isEqualTo(1.0);
        assertThat(after.quantileMsSince(before, 0.90)).isEqualTo(4.0);
        assertThat(after.quantileMsSince(before, 0.99)).isInfinite();
    }

    @Test
    void aPhaseWithoutBatchesHasNoPercentiles() {
        ApplyTimes reading = ApplyTimes.parse(scrape(3, 4, 5, 6));

        assertThat(reading.batchesSince(reading)).isZero();
        assertThat(reading.quantileMsSince(reading, 0.5)).isNaN();
    }
}
