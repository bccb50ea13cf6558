package dev.boardcqrs.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IdPickerTest {

    @Test
    void shouldSendHalfOfTheSkewedRequestsToTheHotIds() {
        IdPicker picker = IdPicker.parse("skewed:10000:100");
        SplittableRandom random = new SplittableRandom(1);
        int hot = 0;
        for (int i = 0; i < 10_000; i++) {
            long id = picker.next(random);
            assertThat(id).isBetween(1L, 10_000L);
            hot += (id - 1) % 100 == 0 ? 1 : 0;
        }
        assertThat(hot).isBetween(4_800, 5_400);
    }

    @Test
    void shouldRejectSpecificationsItCannotRead() {
        assertThatThrownBy(() -> IdPicker.parse("zipf:10")).hasMessageContaining("uniform:N or skewed:N:STRIDE");
        assertThatThrownBy(() -> IdPicker.parse("uniform:0")).isInstanceOf(IllegalArgumentException.class);
    }
}
