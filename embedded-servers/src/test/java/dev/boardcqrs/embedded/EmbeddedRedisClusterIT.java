package dev.boardcqrs.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;

class EmbeddedRedisClusterIT {

    @Test
    void shouldServeEverySlotFromThreeMastersAndLeaveNothingListeningOnceClosed() {
        EmbeddedRedisCluster cluster = EmbeddedRedisCluster.start();
        try {
            assertThat(cluster.ports()).hasSize(3);
            assertThat(cluster.url()).startsWith("redis-cluster://127.0.0.1:");
            Set<HostAndPort> nodes = cluster.ports().stream().map(port -> new HostAndPort("127.0.0.1", port))
                    .collect(Collectors.toSet());
            try (RedisClusterClient client = RedisClusterClient.create(nodes)) {
                for (int i = 0; i < 30; i++) {
                    client.set("key:" + i, Integer.toString(i));
                }
                assertThat(client.get("key:29")).isEqualTo("29");
            }
            Set<Integer> holding = new HashSet<>();
            for (int port : cluster.ports()) {
                try (Jedis node = new Jedis("127.0.0.1", port)) {
                    assertThat(node.clusterInfo()).as("node " + port).contains("cluster_state:ok")
                            .contains("cluster_slots_assigned:" + EmbeddedRedisCluster.SLOTS);
                    if (node.dbSize() > 0) {
                        holding.add(port);
                    }
                }
            }
            assertThat(holding).as("masters holding some of 30 keys").hasSize(3);
        } finally {
            cluster.close();
        }
        for (int port : cluster.ports()) {
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).as("port " + port)
                    .isInstanceOf(IOException.class);
        }
    }
}
