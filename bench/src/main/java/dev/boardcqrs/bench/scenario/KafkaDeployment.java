package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.launcher.DevStack;
import dev.boardcqrs.projector.Projector;
import dev.boardcqrs.projector.apply.ProjectorStatus;
import dev.boardcqrs.projector.redis.JedisProjectorRedis;
import dev.boardcqrs.projector.redis.RedisStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Projector instances in Kafka mode sharing one consumer group, writing to a Redis namespace of their own (named as
 * the group), on the benchmark stack's Redis; and, on demand, a query-api serving that namespace. Closing stops them
 * and removes the namespace's keys, so the next deployment (or scenario) starts from nothing.
 */
final class KafkaDeployment implements AutoCloseable {
    private final DevStack stack;
    private final String namespace;
    private final List<Projector> instances = new ArrayList<>();
    private DevStack.QueryApi queryApi;

    private KafkaDeployment(DevStack stack, String namespace) {
        this.stack = stack;
        this.namespace = namespace;
    }

    /** Starts {@code count} instances with {@code variables} (the broker's, Kafka mode) in namespace and group {@code name}. */
    static KafkaDeployment start(DevStack stack, Map<String, String> variables, String name, int count)
            throws SQLException {
        KafkaDeployment deployment = new KafkaDeployment(stack, name);
        Map<String, String> own = new HashMap<>(variables);
        own.put("REDIS_NAMESPACE", name);
        own.put("KAFKA_GROUP_ID", name);
        try {
            for (int i = 0; i < count; i++) {
                deployment.instances.add(stack.startProjector(own));
            }
        } catch (RuntimeException | SQLException e) {
            deployment.close();
            throw e;
        }
        return deployment;
    }

    /** Row changes the instances applied so far (snapshot rows and streamed changes), summed. */
    long applied() {
        return instances.stream().mapToLong(p -> p.status().snapshotRows() + p.status().streamedChanges()).sum();
    }

    /**
     * Whether the generation the instances made is built: every partition's end, as it was when the partition
     * looked, has been applied once (the last partition to get there ends the building; readers use it from then).
     */
    boolean built() {
        for (Projector instance : instances) {
            if (instance.status().state() == ProjectorStatus.State.FAILED) {
                throw new IllegalStateException("a projector in Kafka mode failed: "
                        + instance.status().toMap().get("failure"));
            }
        }
        return new KeyScheme(namespace).activeIn(stack.redis())
                .map(keys -> "0".equals(stack.redis().hget(keys.meta(), RedisStore.BUILDING))).orElse(false);
    }

    /** Starts (once) a query-api reading this deployment's namespace; its port. */
    int queryApiPort() {
        if (queryApi == null) {
            queryApi = stack.startQueryApi(Map.of("REDIS_NAMESPACE", namespace, "QUERY_API_PORT", "0"));
        }
        return queryApi.port();
    }

    @Override
    public void close() {
        if (queryApi != null) {
            queryApi.close();
        }
        instances.forEach(Projector::close);
        new JedisProjectorRedis(stack.redis()).unlinkMatching(namespace + ":*", key -> false);
    }
}
