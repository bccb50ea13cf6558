package dev.boardcqrs.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.common.config.ConfigException;
import dev.boardcqrs.common.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which change source the projector reads, as the environment says, checked at start-up. */
class ProjectorSourceConfigTest {

    @Test
    void shouldRunTheEmbeddedEngineUnlessToldToReadKafka() {
        ProjectorConfig embedded = ProjectorConfig.fromEnv(new Env(Map.of()));
        ProjectorConfig kafka = ProjectorConfig.fromEnv(new Env(Map.of("PROJECTOR_SOURCE", "kafka")));

        assertThat(embedded.source()).isEqualTo("embedded");
        assertThat(embedded.kafkaSource()).isFalse();
        assertThat(kafka.kafkaSource()).isTrue();
        assertThat(kafka.kafka().groupId()).isEqualTo("board-cqrs-projector");
    }

    @Test
    void shouldRefuseAnUnknownSourceAndABadGroup() {
        assertThatThrownBy(() -> ProjectorConfig.fromEnv(new Env(Map.of("PROJECTOR_SOURCE", "binlog"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("PROJECTOR_SOURCE");
        assertThatThrownBy(() -> ProjectorConfig.fromEnv(new Env(Map.of("PROJECTOR_SOURCE", "kafka",
                "KAFKA_GROUP_ID", "two words")))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("KAFKA_GROUP_ID");
    }

    @Test
    void shouldTakeSearchInKafkaMode() {
        assertThat(ProjectorConfig.fromEnv(new Env(Map.of("PROJECTOR_SOURCE", "kafka", "SEARCH_ENABLED", "true")))
                .search().enabled()).isTrue();
    }

    @Test
    void shouldTakeARedisClusterOnlyInKafkaMode() {
        String cluster = "redis-cluster://127.0.0.1:7001,127.0.0.1:7002";
        assertThat(ProjectorConfig.fromEnv(new Env(Map.of("PROJECTOR_SOURCE", "kafka", "REDIS_URL", cluster)))
                .redisUrl()).isEqualTo(cluster);
        assertThatThrownBy(() -> ProjectorConfig.fromEnv(new Env(Map.of("REDIS_URL", cluster))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("PROJECTOR_SOURCE=kafka");
    }
}
