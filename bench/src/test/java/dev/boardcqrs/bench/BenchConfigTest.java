package dev.boardcqrs.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.common.config.ConfigException;
import dev.boardcqrs.common.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchConfigTest {

    @Test
    void shouldScaleTheStreamedChangesWithTheDataSet() {
        BenchConfig config = BenchConfig.fromEnv(new Env(Map.of("BENCH_SCALE", "0.1")));
        assertThat(config.streamChanges()).isEqualTo(20_000);
        assertThat(config.scenarios()).isEqualTo(BenchConfig.ALL_SCENARIOS);
    }

    @Test
    void shouldNameTheVariableThatIsWrong() {
        assertThatThrownBy(() -> BenchConfig.fromEnv(new Env(Map.of("BENCH_SCALE", "big"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("BENCH_SCALE");
        assertThatThrownBy(() -> BenchConfig.fromEnv(new Env(Map.of("BENCH_CONCURRENCY", "10,x"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("BENCH_CONCURRENCY");
        assertThatThrownBy(() -> BenchConfig.fromEnv(new Env(Map.of("BENCH_SCENARIOS", "read,catalogue"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("BENCH_SCENARIOS");
    }
}
