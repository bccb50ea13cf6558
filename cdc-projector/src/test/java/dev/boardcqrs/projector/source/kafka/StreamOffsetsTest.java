package dev.boardcqrs.projector.source.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Offsets as the stores keep them: text that sorts like the numbers, read back as they were. */
class StreamOffsetsTest {

    @Test
    void shouldSortOffsetsAsTextInTheirNumericOrder() {
        List<Long> offsets = List.of(0L, 9L, 10L, 99L, 100L, 123_456_789L, Long.MAX_VALUE);
        List<String> positions = offsets.stream().map(StreamOffsets::position).toList();

        assertThat(positions).isSorted();
        assertThat(positions.stream().map(StreamOffsets::offset).toList()).isEqualTo(offsets);
    }

    @Test
    void shouldRefuseWhatIsNoOffsetOfItsOwn() {
        assertThatThrownBy(() -> StreamOffsets.position(-1)).isInstanceOf(IllegalArgumentException.class);
        // an embedded engine's binlog watermark is no offset
        assertThatThrownBy(() -> StreamOffsets.offset("00000000010000000000004711000000000000"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a Kafka offset");
        assertThatThrownBy(() -> StreamOffsets.offset("12")).isInstanceOf(IllegalArgumentException.class);
    }
}
