package dev.boardcqrs.projector.generation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ReconnectDelayTest {
    private Instant now = Instant.parse("2026-12-01T00:00:00Z");

    private final ReconnectDelay delay = new ReconnectDelay(new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    });

    @Test
    void doublesWhileTheDatabaseStaysAwayUpToThirtySeconds() {
        for (long expected : new long[] {1, 2, 4, 8, 16, 30, 30}) {
            Duration next = delay.next();
            assertThat(next).isEqualTo(Duration.ofSeconds(expected));
            now = now.plus(next).plusMillis(100); // the new engine failed at once
        }
    }

    @Test
    void startsAgainAtOneSecondOnceAnEngineRanAMinute() {
        delay.next();
        now = now.plusSeconds(1);
        assertThat(delay.next()).isEqualTo(Duration.ofSeconds(2));

        now = now.plus(Duration.ofMinutes(5));
        assertThat(delay.next()).isEqualTo(Duration.ofSeconds(1));
    }
}
