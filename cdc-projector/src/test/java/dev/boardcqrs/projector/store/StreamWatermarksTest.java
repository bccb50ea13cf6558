package dev.boardcqrs.projector.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamWatermarksTest {

    @Test
    void rebuiltGenerationIsLevelWhenItHoldsAtLeastEveryServedStreamsWatermark() {
        Map<String, Object> served = Map.of("watermark@board-0", "000000000010", "watermark@board-1", "000000000020");
        Map<String, String> rebuilt = Map.of("watermark@board-0", "000000000010", "watermark@board-1", "000000000021");

        assertThat(StreamWatermarks.level(served, rebuilt::get)).isTrue();
    }

    @Test
    void rebuiltGenerationBehindOnOneStreamIsNotLevel() {
        Map<String, Object> served = Map.of("watermark@board-0", "000000000010", "watermark@board-1", "000000000020");
        Map<String, String> rebuilt = Map.of("watermark@board-0", "000000000099", "watermark@board-1", "000000000019");

        assertThat(StreamWatermarks.level(served, rebuilt::get)).isFalse();
    }

    @Test
    void streamTheRebuiltGenerationHasNotReadYetIsNotLevel() {
        Map<String, Object> served = Map.of("watermark@board-0", "000000000010", "watermark@catalog-0", "000000000003");
        Map<String, String> rebuilt = Map.of("watermark@board-0", "000000000010");

        assertThat(StreamWatermarks.level(served, rebuilt::get)).isFalse();
    }

    @Test
    void streamTheServedGenerationHasNotReadIsLevelWithAnyAndOtherFieldsAreIgnored() {
        Map<String, Object> served = Map.of("watermark@board-0", "000000000010", "building", "0",
                "caughtUp@board-0", true, "layout", "2");
        Map<String, String> rebuilt = Map.of("watermark@board-0", "000000000010",
                "watermark@catalog-0", "000000000001");

        assertThat(StreamWatermarks.level(served, rebuilt::get)).isTrue();
    }

    @Test
    void namesEachStreamsFieldApartFromTheSingleStreamsOne() {
        assertThat(StreamWatermarks.field(null)).isEqualTo("watermark");
        assertThat(StreamWatermarks.field("board-3")).isEqualTo("watermark@board-3");
        assertThat(StreamWatermarks.isStreamField("watermark@board-3")).isTrue();
        assertThat(StreamWatermarks.isStreamField("watermark")).isFalse();
    }
}
