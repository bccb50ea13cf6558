package dev.boardcqrs.common.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** REDIS_URL as the services read it: one Redis or a cluster, refused with a message a user can act on. */
class RedisClientsTest {

    @Test
    void shouldTellAClusterFromOneRedis() {
        assertThat(RedisClients.isCluster("redis-cluster://10.0.0.1:7000,10.0.0.2:7000")).isTrue();
        assertThat(RedisClients.isCluster("redis://10.0.0.1:6379")).isFalse();
        assertThat(RedisClients.checkUrl("redis-cluster://app:s3cret@10.0.0.1:7000, cache-2:7001"))
                .startsWith("redis-cluster://");
        assertThat(RedisClients.checkUrl("rediss://cache:6380")).isEqualTo("rediss://cache:6380");
    }

    @Test
    void shouldRefuseNodesWithoutAPortAndUnknownSchemesWithoutShowingThePassword() {
        assertThatThrownBy(() -> RedisClients.checkUrl("redis-cluster://10.0.0.1:7000,10.0.0.2"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'10.0.0.2' is not one");
        assertThatThrownBy(() -> RedisClients.checkUrl("redis-cluster://10.0.0.1:70000"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("host:port");
        assertThatThrownBy(() -> RedisClients.checkUrl("cluster://app:s3cret@cache:6379"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redis-cluster://")
                .hasMessageNotContaining("s3cret");
    }
}
