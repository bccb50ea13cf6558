package dev.boardcqrs.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnvTest {

    @Test
    void shouldUseDefaultsForMissingOrBlankVariables() {
        Env env = new Env(Map.of("BLANK", "  "));

        assertThat(env.string("MISSING", "fallback")).isEqualTo("fallback");
        assertThat(env.string("BLANK", "fallback")).isEqualTo("fallback");
        assertThat(env.port("PORT", 8081)).isEqualTo(8081);
        assertThat(env.duration("TTL", Duration.ofDays(1))).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void shouldParseShortAndIsoDurations() {
        Env env = new Env(Map.of("A", "250ms", "B", "10s", "C", "5m", "D", "1d", "E", "PT2H"));

        assertThat(env.duration("A", null)).isEqualTo(Duration.ofMillis(250));
        assertThat(env.duration("B", null)).isEqualTo(Duration.ofSeconds(10));
        assertThat(env.duration("C", null)).isEqualTo(Duration.ofMinutes(5));
        assertThat(env.duration("D", null)).isEqualTo(Duration.ofDays(1));
        assertThat(env.duration("E", null)).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void shouldNameTheVariableTheValueAndWhatIsAllowedWhenRejecting() {
        Env env = new Env(Map.of("PORT", "http", "SIZE", "0", "TTL", "soon", "MODE", "fast"));

        assertThatThrownBy(() -> env.port("PORT", 1))
                .hasMessage("PORT must be an integer between 0 and 65535, but was 'http'");
        assertThatThrownBy(() -> env.integer("SIZE", 10, 1, 200))
                .hasMessage("SIZE must be an integer between 1 and 200, but was '0'");
        assertThatThrownBy(() -> env.duration("TTL", Duration.ZERO)).hasMessageContaining("TTL must be a duration");
        assertThatThrownBy(() -> env.oneOf("MODE", "slow", Set.of("slow"))).hasMessage("MODE must be one of [slow], but was 'fast'");
    }

    @Test
    void shouldHideCredentialsOfUrlsInLogs() {
        assertThat(Env.redacted("redis://app:s3cret@cache:6379")).isEqualTo("redis://***@cache:6379");
        assertThat(Env.redacted("redis://cache:6379")).isEqualTo("redis://cache:6379");
        assertThat(Env.redacted("jdbc:mysql://db/board?user=app&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:mysql://db/board?user=app&password=***&ssl=true");
    }
}
