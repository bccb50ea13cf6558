package dev.boardcqrs.projector.source.kafka;

import dev.boardcqrs.common.config.ConfigException;
import dev.boardcqrs.common.config.Env;

/**
 * How the change topics are laid out when the connector runs on Kafka Connect: {@code KAFKA_BOOTSTRAP_SERVERS},
 * {@code KAFKA_TOPIC_PREFIX} (topic names and the schema history topic start with it), {@code KAFKA_PARTITIONS} (of
 * each topic whose changes are ordered per key; more partitions let more projector instances share the work) and
 * {@code KAFKA_REPLICATION_FACTOR} of the topics the connector creates.
 */
public record KafkaSettings(String bootstrapServers, String topicPrefix, int partitions, int replicationFactor) {

    public KafkaSettings {
        if (bootstrapServers == null || !bootstrapServers.matches("[^\\s,]+:\\d{1,5}(,[^\\s,]+:\\d{1,5})*")) {
            throw new ConfigException("KAFKA_BOOTSTRAP_SERVERS must be host:port[,host:port...], but was '"
                    + bootstrapServers + "'");
        }
        if (topicPrefix == null || !topicPrefix.matches("[A-Za-z0-9_-]{1,100}")) {
            throw new ConfigException("KAFKA_TOPIC_PREFIX must be 1-100 letters, digits, '_' or '-', but was '"
                    + topicPrefix + "'");
        }
    }

    public static KafkaSettings fromEnv(Env env) {
        return new KafkaSettings(env.string("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                env.string("KAFKA_TOPIC_PREFIX", "board-cqrs"),
                env.integer("KAFKA_PARTITIONS", 6, 1, 10_000),
                env.integer("KAFKA_REPLICATION_FACTOR", 1, 1, 100));
    }
}
