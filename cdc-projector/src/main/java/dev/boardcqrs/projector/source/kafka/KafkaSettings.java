package dev.boardcqrs.projector.source.kafka;

import dev.boardcqrs.common.config.ConfigException;
import dev.boardcqrs.common.config.Env;
import java.time.Duration;

/**
 * How the change topics are laid out when the connector runs on Kafka Connect: {@code KAFKA_BOOTSTRAP_SERVERS},
 * {@code KAFKA_TOPIC_PREFIX} (topic names and the schema history topic start with it), {@code KAFKA_PARTITIONS} (of
 * each topic whose changes are ordered per key; more partitions let more projector instances share the work),
 * {@code KAFKA_REPLICATION_FACTOR} of the topics the connector creates, {@code KAFKA_GROUP_ID}: the consumer
 * group the projector instances of one deployment share the partitions in (PROJECTOR_SOURCE=kafka), and
 * {@code KAFKA_SESSION_TIMEOUT}: how long an instance that stopped without leaving the group (killed, its host
 * gone) keeps its partitions, unread, before the group gives them to the others; {@code KAFKA_CONNECT_URL}: Kafka
 * Connect's REST API, where a replay sets the connector's position (none: replay answers that it needs it), and
 * {@code KAFKA_CONNECTOR_NAME}: the connector's name there.
 */
public record KafkaSettings(String bootstrapServers, String topicPrefix, int partitions, int replicationFactor,
                            String groupId, Duration sessionTimeout, String connectUrl, String connectorName) {
    /** The broker's default bounds of a consumer's session (group.min/max.session.timeout.ms); outside, it refuses. */
    static final Duration MIN_SESSION_TIMEOUT = Duration.ofSeconds(6);
    static final Duration MAX_SESSION_TIMEOUT = Duration.ofMinutes(30);

    public KafkaSettings {
        if (bootstrapServers == null || !bootstrapServers.matches("[^\\s,]+:\\d{1,5}(,[^\\s,]+:\\d{1,5})*")) {
            throw new ConfigException("KAFKA_BOOTSTRAP_SERVERS must be host:port[,host:port...], but was '"
                    + bootstrapServers + "'");
        }
        if (topicPrefix == null || !topicPrefix.matches("[A-Za-z0-9_-]{1,100}")) {
            throw new ConfigException("KAFKA_TOPIC_PREFIX must be 1-100 letters, digits, '_' or '-', but was '"
                    + topicPrefix + "'");
        }
        if (groupId == null || !groupId.matches("[A-Za-z0-9._-]{1,200}")) {
            throw new ConfigException("KAFKA_GROUP_ID must be 1-200 letters, digits, '.', '_' or '-', but was '"
                    + groupId + "'");
        }
        if (sessionTimeout.compareTo(MIN_SESSION_TIMEOUT) < 0 || sessionTimeout.compareTo(MAX_SESSION_TIMEOUT) > 0) {
            throw new ConfigException("KAFKA_SESSION_TIMEOUT must be between 6s and 30m (the broker's bounds), but was "
                    + sessionTimeout.toMillis() + " ms");
        }
        if (connectUrl != null && !connectUrl.matches("https?://[^\\s/]+(/[^\\s]*)?")) {
            throw new ConfigException("KAFKA_CONNECT_URL must be Kafka Connect's REST address, http://host:port, but was '"
                    + connectUrl + "'");
        }
        if (connectorName == null || !connectorName.matches("[A-Za-z0-9._-]{1,200}")) {
            throw new ConfigException("KAFKA_CONNECTOR_NAME must be 1-200 letters, digits, '.', '_' or '-', but was '"
                    + connectorName + "'");
        }
        connectUrl = connectUrl == null ? null : connectUrl.replaceAll("/+$", "");
    }

    public static KafkaSettings fromEnv(Env env) {
        return new KafkaSettings(env.string("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                env.string("KAFKA_TOPIC_PREFIX", "board-cqrs"),
                env.integer("KAFKA_PARTITIONS", 6, 1, 10_000),
                env.integer("KAFKA_REPLICATION_FACTOR", 1, 1, 100),
                env.string("KAFKA_GROUP_ID", "board-cqrs-projector"),
                // Kafka's default: a killed instance's partitions wait this long for another owner
                env.duration("KAFKA_SESSION_TIMEOUT", Duration.ofSeconds(45)),
                // no default: Connect's usual port 8083 is the projector's own
                env.string("KAFKA_CONNECT_URL", null),
                env.string("KAFKA_CONNECTOR_NAME", ConnectorConfig.NAME));
    }
}
