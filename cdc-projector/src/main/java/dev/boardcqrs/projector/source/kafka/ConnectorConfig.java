package dev.boardcqrs.projector.source.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.boardcqrs.projector.ProjectorConfig;
import dev.boardcqrs.projector.source.OrderingGroup;
import dev.boardcqrs.projector.source.debezium.EngineProperties;
import dev.boardcqrs.projector.source.debezium.JdbcUrl;
import dev.boardcqrs.projector.source.debezium.ServerKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The Debezium connector's configuration for Kafka Connect's REST API ({@code PUT /connectors/NAME/config}),
 * rendered from the projector's settings, the same ones the embedded engine runs on ({@link EngineProperties}),
 * plus how the changes are laid out over topics ({@link KafkaSettings}, {@link OrderingGroup}s):
 * <ul>
 *   <li>each ordering group's tables go to one topic of its own ({@code PREFIX.GROUP}, Debezium's
 *   ByLogicalTableRouter, with its match anchored: an unanchored {@code article} also matches
 *   {@code article_like});</li>
 *   <li>a group ordered by a key column gets KAFKA_PARTITIONS partitions, and every change goes to the partition of
 *   its key column's value (PartitionRouting on the row's column, not the default partitioner, which hashes the
 *   serialized key, whose schema differs per table); tables whose primary key is another column are keyed by the
 *   group's column ({@code message.key.columns}), so the key names what orders them;</li>
 *   <li>a group without a key column gets one partition: one total order;</li>
 *   <li>topics keep every change for good (no compaction: several changes share a key, a comment's insert is not
 *   replaced by the next one; no time limit: a rebuild in Kafka mode replays the topics from their beginning).</li>
 * </ul>
 */
public final class ConnectorConfig {
    /** The connector's name in Kafka Connect. */
    public static final String NAME = "board-cqrs";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ConnectorConfig() {
    }

    /** The settings, in a stable order. */
    public static Map<String, String> render(ProjectorConfig config, KafkaSettings kafka, ServerKind kind,
                                             Collection<String> tables, List<OrderingGroup> groups) {
        for (String table : tables) {
            long inGroups = groups.stream().filter(group -> group.tables().contains(table)).count();
            if (inGroups != 1) {
                throw new IllegalArgumentException("table " + table + " is in " + inGroups
                        + " ordering groups: a read model reads it, so exactly one group must say how it is ordered");
            }
        }
        String database = JdbcUrl.parse(config.databaseUrl()).database();
        Map<String, String> settings = new TreeMap<>();
        EngineProperties.connector(config, kind, tables, config.serverId()).forEach((key, value) -> settings.put(
                (String) key, (String) value));
        settings.put("name", kafka.connectorName());
        settings.put("tasks.max", "1"); // a binlog has one reader
        // A delete's tombstone (the key, no value) is only for compacted topics, which these are not; and
        // PartitionRouting passes it untouched, so it would land by its key's hash, in another partition than the
        // article's other changes.
        settings.put("tombstones.on.delete", "false");
        settings.put("topic.prefix", kafka.topicPrefix());
        settings.put("schema.history.internal.kafka.bootstrap.servers", kafka.bootstrapServers());
        settings.put("schema.history.internal.kafka.topic", kafka.topicPrefix() + ".schema-history");
        settings.put("schema.history.internal.store.only.captured.tables.ddl", "true");

        List<String> transforms = new ArrayList<>();
        List<String> predicates = new ArrayList<>();
        // The BEGIN/END markers the transaction metadata also sends to a topic of their own: the projector orders
        // by each change's transaction block and never reads them, and at 1,000 single-row commits/s they were two
        // of every three records the worker converted, the broker stored and the lag waited behind.
        transforms.add("drop-transaction-markers");
        settings.put("transforms.drop-transaction-markers.type", "org.apache.kafka.connect.transforms.Filter");
        settings.put("transforms.drop-transaction-markers.predicate", "is-transaction-marker");
        predicates.add("is-transaction-marker");
        settings.put("predicates.is-transaction-marker.type",
                "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
        settings.put("predicates.is-transaction-marker.pattern", literal(transactionTopic(kafka)));
        List<String> keyColumns = new ArrayList<>();
        List<String> topicGroups = new ArrayList<>();
        for (OrderingGroup group : groups) {
            String topic = topic(kafka, group);
            String router = "route-" + group.name();
            transforms.add(router);
            settings.put("transforms." + router + ".type", "io.debezium.transforms.ByLogicalTableRouter");
            settings.put("transforms." + router + ".topic.regex", "^" + literal(kafka.topicPrefix() + "." + database
                    + ".") + "(" + group.tables().stream().map(ConnectorConfig::literal)
                    .collect(Collectors.joining("|")) + ")$");
            settings.put("transforms." + router + ".topic.replacement", topic);
            // the key stays the row's (or the group's column): no table name is added to it
            settings.put("transforms." + router + ".key.enforce.uniqueness", "false");

            topicGroups.add(group.name());
            settings.put("topic.creation." + group.name() + ".include", literal(topic));
            settings.put("topic.creation." + group.name() + ".partitions",
                    Integer.toString(group.partitioned() ? kafka.partitions() : 1));
            settings.put("topic.creation." + group.name() + ".replication.factor",
                    Integer.toString(kafka.replicationFactor()));
            settings.put("topic.creation." + group.name() + ".cleanup.policy", "delete");
            settings.put("topic.creation." + group.name() + ".retention.ms", "-1");
            if (group.partitioned()) {
                // a table whose primary key is the group's column (the schema names each key TABLE_id) keeps its key
                group.tables().stream().filter(table -> !group.keyColumn().equals(table + "_id"))
                        .forEach(table -> keyColumns.add(database + "." + table + ":" + group.keyColumn()));
                String partitioner = "partition-" + group.name();
                predicates.add("is-" + group.name());
                transforms.add(partitioner);
                settings.put("transforms." + partitioner + ".type",
                        "io.debezium.transforms.partitions.PartitionRouting");
                // "change": the row after the change, or before it for a delete
                settings.put("transforms." + partitioner + ".partition.payload.fields", "change." + group.keyColumn());
                settings.put("transforms." + partitioner + ".partition.topic.num", Integer.toString(kafka.partitions()));
                settings.put("transforms." + partitioner + ".partition.hash.function", "murmur");
                settings.put("transforms." + partitioner + ".predicate", "is-" + group.name());
                settings.put("predicates.is-" + group.name() + ".type",
                        "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
                settings.put("predicates.is-" + group.name() + ".pattern", literal(topic));
            }
        }
        settings.put("transforms", String.join(",", transforms));
        settings.put("predicates", String.join(",", predicates));
        settings.put("message.key.columns", String.join(";", keyColumns));
        settings.put("topic.creation.groups", String.join(",", topicGroups));
        // anything no group names, such as heartbeats (one partition: Connect's default group)
        settings.put("topic.creation.default.partitions", "1");
        settings.put("topic.creation.default.replication.factor", Integer.toString(kafka.replicationFactor()));
        settings.put("topic.creation.default.cleanup.policy", "delete");
        settings.put("topic.creation.default.retention.ms", "-1");
        return settings;
    }

    /**
     * {@code name} as a regular expression that matches only itself: names of topics, databases and tables are
     * letters, digits, '_', '-' and '.', of which only '.' means something else in a pattern.
     */
    private static String literal(String name) {
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("not a topic or table name: '" + name + "'");
        }
        return name.replace(".", "\\.");
    }

    /** Where the connector sends its transactions' BEGIN and END markers (Debezium's {@code topic.transaction}). */
    static String transactionTopic(KafkaSettings kafka) {
        return kafka.topicPrefix() + ".transaction";
    }

    /** The topic the changes of {@code group} go to. */
    public static String topic(KafkaSettings kafka, OrderingGroup group) {
        return kafka.topicPrefix() + "." + group.name();
    }

    /** The body of {@code POST /connectors}: {@code {"name": ..., "config": {...}}}. */
    public static String json(Map<String, String> settings) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", NAME);
        body.put("config", settings);
        try {
            return JSON.writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
