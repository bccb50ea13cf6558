package dev.boardcqrs.projector.source.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.projector.ProjectorConfig;
import dev.boardcqrs.projector.ReadModels;
import dev.boardcqrs.projector.source.OrderingGroup;
import dev.boardcqrs.projector.source.debezium.ServerKind;
import io.debezium.data.Envelope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The connector configuration, run through the very transforms and predicates Kafka Connect would run with it (the
 * classes it names, configured with its settings, in its order) on change records shaped as the connector makes
 * them: every change of one article lands on one topic and one partition, articles spread over the partitions,
 * catalog changes share one partition, and the routers match whole table names only.
 */
class ConnectorConfigTest {
    private static final Map<String, String> ENVIRONMENT = Map.of(
            "DATABASE_URL", "jdbc:mysql://mysql:3306/board",
            "CDC_DATABASE_USER", "board_cdc",
            // resolved by the Connect worker (config.providers=env), so the file holds no password
            "CDC_DATABASE_PASSWORD", "${env:CDC_DATABASE_PASSWORD}",
            "PROJECTOR_CONNECTOR", "mysql",
            "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
            "KAFKA_PARTITIONS", "6");
    private static final Path SHIPPED = Path.of("..", "ops", "kafka-connect", "board-cqrs-connector.json");

    private final ProjectorConfig config = ProjectorConfig.fromEnv(new Env(ENVIRONMENT));
    private final Map<String, String> settings = ConnectorConfig.render(config, config.kafka(), ServerKind.MYSQL,
            ReadModels.tables(ReadModels.redis(config)), ReadModels.orderingGroups());

    @Test
    void shouldPutEveryChangeOfOneArticleOnOneTopicAndOnePartition() throws Exception {
        Set<Integer> partitions = new HashSet<>();
        for (long article = 1; article <= 200; article++) {
            SourceRecord row = transformed(change("article", "article_id", article, article));
            SourceRecord comment = transformed(change("comment", "comment_id", 10_000 + article, article));
            SourceRecord like = transformed(change("article_like", "article_like_id", 20_000 + article, article));

            assertThat(List.of(row.topic(), comment.topic(), like.topic())).containsOnly("board-cqrs.articles");
            assertThat(comment.kafkaPartition()).isEqualTo(row.kafkaPartition());
            assertThat(like.kafkaPartition()).isEqualTo(row.kafkaPartition());
            assertThat(row.kafkaPartition()).isBetween(0, 5);
            partitions.add(row.kafkaPartition());
        }
        assertThat(partitions).as("200 articles over 6 partitions").hasSize(6);
    }

    @Test
    void shouldKeyCommentsAndLikesByTheirArticle() {
        assertThat(settings.get("message.key.columns").split(";")).contains("board.comment:article_id",
                "board.article_like:article_id");
        assertThat(settings).containsEntry("topic.creation.articles.partitions", "6")
                .containsEntry("topic.creation.catalog.partitions", "1")
                .containsEntry("topic.creation.articles.retention.ms", "-1")
                .containsEntry("topic.creation.articles.cleanup.policy", "delete")
                .containsEntry("tombstones.on.delete", "false");
    }

    @Test
    void shouldPutCatalogAndProductChangesInOneOrder() throws Exception {
        SourceRecord catalog = transformed(change("catalog", "catalog_id", 3, 3));
        SourceRecord product = transformed(change("product", "product_id", 77, 3));

        assertThat(List.of(catalog.topic(), product.topic())).containsOnly("board-cqrs.catalog");
        assertThat(catalog.kafkaPartition()).isNull(); // the topic's only partition
        assertThat(product.kafkaPartition()).isNull();
    }

    @Test
    void shouldMatchWholeTableNamesOnly() throws Exception {
        SourceRecord archive = transformed(change("article_archive", "article_id", 5, 5));

        assertThat(archive.topic()).isEqualTo("board-cqrs.board.article_archive");
    }

    @Test
    void shouldRefuseATableThatNoOrderingGroupNames() {
        assertThatThrownBy(() -> ConnectorConfig.render(config, config.kafka(), ServerKind.MYSQL,
                List.of("article", "board_member"), ReadModels.orderingGroups()))
                .hasMessageContaining("board_member is in 0 ordering groups");
        assertThatThrownBy(() -> ConnectorConfig.render(config, config.kafka(), ServerKind.MYSQL, List.of("article"),
                List.of(OrderingGroup.total("one", List.of("article")), OrderingGroup.total("two", List.of("article")))))
                .hasMessageContaining("article is in 2 ordering groups");
    }

    @Test
    void shouldNumberEachChangeInItsTransactionForTheProjectorToOrderThemBy() {
        // the source block's pos is the transaction's start for all its changes: TopicRecords orders them by this
        assertThat(settings).containsEntry("provide.transaction.metadata", "true");
    }

    @Test
    void shouldDropTheTransactionMarkersBeforeAnyOtherTransformSinceNothingReadsThem() {
        assertThat(settings.get("transforms")).startsWith("drop-transaction-markers,");
        assertThat(settings).containsEntry("transforms.drop-transaction-markers.type",
                        "org.apache.kafka.connect.transforms.Filter")
                .containsEntry("predicates.is-transaction-marker.pattern", "board-cqrs\\.transaction");
        assertThat(settings.get("predicates").split(",")).contains("is-transaction-marker", "is-articles");
    }

    @Test
    void shouldShipTheConfigurationThisEnvironmentRenders() throws Exception {
        assertThat(Files.readString(SHIPPED).strip()).as(SHIPPED + ": regenerate it with the README's command")
                .isEqualTo(ConnectorConfig.json(settings).strip());
    }

    @Test
    void shouldRefuseKafkaSettingsItCannotUseWithAMessageNamingTheVariable() {
        assertThatThrownBy(() -> KafkaSettings.fromEnv(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka"))))
                .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS must be host:port");
        assertThatThrownBy(() -> KafkaSettings.fromEnv(new Env(Map.of("KAFKA_TOPIC_PREFIX", "board cqrs"))))
                .hasMessageContaining("KAFKA_TOPIC_PREFIX");
        assertThatThrownBy(() -> KafkaSettings.fromEnv(new Env(Map.of("KAFKA_PARTITIONS", "0"))))
                .hasMessageContaining("KAFKA_PARTITIONS");
        assertThatThrownBy(() -> KafkaSettings.fromEnv(new Env(Map.of("KAFKA_SESSION_TIMEOUT", "5s"))))
                .hasMessageContaining("KAFKA_SESSION_TIMEOUT must be between 6s and 30m");
        assertThatThrownBy(() -> KafkaSettings.fromEnv(new Env(Map.of("KAFKA_CONNECT_URL", "kafka-connect:8083"))))
                .hasMessageContaining("KAFKA_CONNECT_URL must be Kafka Connect's REST address");
        assertThatThrownBy(() -> KafkaSettings.fromEnv(new Env(Map.of("KAFKA_CONNECTOR_NAME", "board cqrs"))))
                .hasMessageContaining("KAFKA_CONNECTOR_NAME");
    }

    @Test
    void shouldRefuseAReplayWithoutKafkaConnectsAddressNamingTheVariable() {
        KafkaSources sources = new KafkaSources(KafkaSettings.fromEnv(new Env(Map.of())), List.of(),
                PartitionGauges.NONE, null, null);

        assertThatThrownBy(() -> sources.checkPosition("gtid:0-1-5")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("set KAFKA_CONNECT_URL");
    }

    @Test
    void shouldGiveTheConsumerTheSessionTimeoutWithAHeartbeatAFifteenthOfIt() {
        KafkaSettings kafka = KafkaSettings.fromEnv(new Env(Map.of("KAFKA_SESSION_TIMEOUT", "6s")));

        Properties consumer = new KafkaSources(kafka, List.of(), PartitionGauges.NONE, null, null)
                .consumerProperties(true);

        assertThat(consumer).containsEntry("session.timeout.ms", "6000").containsEntry("heartbeat.interval.ms", "400");
        assertThat(KafkaSettings.fromEnv(new Env(Map.of())).sessionTimeout()).as("Kafka's default")
                .isEqualTo(Duration.ofSeconds(45));
    }

    /** A change record as the connector emits it: topic PREFIX.DB.TABLE, key by message.key.columns. */
    private static SourceRecord change(String table, String idColumn, long id, long articleId) {
        SchemaBuilder rowBuilder = SchemaBuilder.struct().name("board-cqrs.board." + table + ".Value")
                .field(idColumn, Schema.INT64_SCHEMA);
        if (!idColumn.equals("article_id")) {
            rowBuilder.field("article_id", Schema.INT64_SCHEMA);
        }
        Schema rowSchema = rowBuilder.optional().build(); // before and after are optional in an envelope
        Schema source = SchemaBuilder.struct().name("source").field("db", Schema.STRING_SCHEMA)
                .field("table", Schema.STRING_SCHEMA).build();
        Envelope envelope = Envelope.defineSchema().withName("board-cqrs.board." + table + ".Envelope")
                .withRecord(rowSchema).withSource(source).build();
        Struct row = new Struct(rowSchema).put(idColumn, id);
        if (!idColumn.equals("article_id")) {
            row.put("article_id", articleId);
        }
        Struct value = envelope.create(row, new Struct(source).put("db", "board").put("table", table), null);
        Schema keySchema = SchemaBuilder.struct().name("board-cqrs.board." + table + ".Key")
                .field("article_id", Schema.INT64_SCHEMA).build();
        Struct key = new Struct(keySchema).put("article_id", articleId);
        return new SourceRecord(Map.of(), Map.of(), "board-cqrs.board." + table, null, keySchema, key,
                envelope.schema(), value);
    }

    /** Runs the record through the configured transforms, each under its predicate, as the Connect worker does. */
    @SuppressWarnings("unchecked")
    private SourceRecord transformed(SourceRecord record) throws Exception {
        for (String name : settings.get("transforms").split(",")) {
            Transformation<SourceRecord> transform = (Transformation<SourceRecord>) instance(
                    settings.get("transforms." + name + ".type"));
            transform.configure(under("transforms." + name + "."));
            String predicateName = settings.get("transforms." + name + ".predicate");
            if (predicateName != null) {
                Predicate<SourceRecord> predicate = (Predicate<SourceRecord>) instance(
                        settings.get("predicates." + predicateName + ".type"));
                predicate.configure(under("predicates." + predicateName + "."));
                if (!predicate.test(record)) {
                    continue;
                }
            }
            record = transform.apply(record);
        }
        return record;
    }

    private static Object instance(String className) throws Exception {
        return Class.forName(className).getDeclaredConstructor().newInstance();
    }

    private Map<String, String> under(String prefix) {
        Map<String, String> scoped = new HashMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith(prefix) && !key.equals(prefix + "type")) {
                scoped.put(key.substring(prefix.length()), value);
            }
        });
        return scoped;
    }
}
