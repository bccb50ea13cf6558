package dev.boardcqrs.projector.source.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.boardcqrs.common.binlog.BinlogStatus;
import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.catalog.CatalogKeys;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.RedisClients;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.EmbeddedKafka;
import dev.boardcqrs.embedded.EmbeddedKafkaConnect;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.PrometheusText;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.Projector;
import dev.boardcqrs.projector.ProjectorConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.UnifiedJedis;

/**
 * cdc-projector in Kafka mode against real servers: the connector rendered from its settings runs on a Kafka Connect
 * worker and writes the changes of rows written with plain SQL to a KRaft broker; projectors in one consumer group
 * read the topics into Redis. The articles topic has two partitions (KAFKA_PARTITIONS=2), so a board's count is fed
 * by both, in any order relative to each other; the catalog's has one. The steps build on each other: the models
 * equal the SQL truth and /status shows every partition caught up; a replay from a binlog position restarts the
 * connector there and sends a round it had skipped, while what it sends again of the round before counts once; a projector
 * closed and started again resumes from the offsets Redis holds (Kafka's committed offsets are set back to 0
 * meanwhile, so reading from them would deliver applied changes again); two instances split the partitions; one
 * leaving hands its partitions over; a rebuild reads the topics from the beginning into a new generation while two
 * instances serve, and both follow it once it has taken over; after Redis lost everything while no change comes,
 * the instances and a third one joining build a new generation and finish it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaModeIT {
    private static final String CONNECTOR = "board-cqrs-kafka-mode-it";
    private static final String GROUP = "kafka-mode-it";
    private static final String ADMIN_TOKEN = "kafka-mode-it-admin-token-0123456789";
    private static final KeyScheme NAMESPACE = new KeyScheme("kafkait");
    private static final long FIRST_BOARD = 8_101;
    private static final int BOARDS = 3;
    private static final List<String> ALL_PARTITIONS = List.of("kafka-mode-it.articles-0", "kafka-mode-it.articles-1",
            "kafka-mode-it.catalog-0");

    private static EmbeddedDatabase database;
    private static EmbeddedKafka kafka;
    private static EmbeddedKafkaConnect connect;
    private static UnifiedJedis redis;
    private static ProjectorConfig config;
    private static Projector first;
    private static Projector second;
    private static Projector third;
    private static long catalog;
    private static int round;

    @BeforeAll
    static void startTheConnectorAndAProjector() throws Exception {
        database = SharedServers.database();
        kafka = SharedServers.kafka();
        redis = RedisClients.connectWithoutCap(SharedServers.redis().url()); // as the projector's main
        config = ProjectorConfig.fromEnv(new Env(Map.ofEntries(
                Map.entry("DATABASE_URL", database.jdbcUrl()),
                Map.entry("REDIS_URL", SharedServers.redis().url()),
                Map.entry("REDIS_NAMESPACE", NAMESPACE.namespace()),
                Map.entry("PROJECTOR_PORT", "0"),
                Map.entry("PROJECTOR_SOURCE", "kafka"),
                Map.entry("PROJECTOR_ADMIN_TOKEN", ADMIN_TOKEN),
                // a binlog reader of its own: the other connectors and engines on this database use other ids
                Map.entry("PROJECTOR_SERVER_ID", "184260"),
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()),
                Map.entry("KAFKA_TOPIC_PREFIX", "kafka-mode-it"),
                Map.entry("KAFKA_PARTITIONS", "2"),
                Map.entry("KAFKA_GROUP_ID", GROUP),
                Map.entry("KAFKA_CONNECT_URL", SharedServers.kafkaConnect().url()),
                Map.entry("KAFKA_CONNECTOR_NAME", CONNECTOR))));
        writeRound(); // before the connector starts: these come as snapshot rows
        catalog = database.insert("INSERT INTO catalog (parent_id, name, display_order) VALUES (NULL, 'fruit', 1)");
        database.insert("INSERT INTO product (catalog_id, name, price) VALUES (?, 'apple', 120)", catalog);

        connect = ArticleRounds.runConnector(database, config, CONNECTOR);

        first = new Projector(config, redis).start();
    }

    @AfterAll
    static void stop() {
        for (Projector projector : new Projector[] {first, second, third}) {
            if (projector != null) {
                projector.close();
            }
        }
        if (connect != null) {
            connect.remove(CONNECTOR);
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void shouldProjectSnapshotAndStreamedChangesFromTheTopicsAsSqlHasThem() throws Exception {
        writeRound();
        database.execute("UPDATE catalog SET name = 'fresh fruit' WHERE catalog_id = ?", catalog);

        awaitModelsEqualSql();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                redis.hget(catalogKeys().catalog(catalog), "name")).isEqualTo("fresh fruit"));
        assertThat(partitionsOf(first)).containsExactlyInAnyOrderElementsOf(ALL_PARTITIONS);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(redis.hget(
                NAMESPACE.activeIn(redis).orElseThrow().meta(), "building"))
                .as("readers use SQL until every partition has caught up once").isEqualTo("0"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> status(first).path("partitions")
                .forEach(partition -> {
                    assertThat(partition.path("lag").asLong()).as("lag of %s", partition).isZero();
                    assertThat(partition.path("offset").asLong()).as("offset of %s", partition).isNotNegative();
                }));
        String scrape = new JsonHttp("http://127.0.0.1:" + first.port()).get("/metrics").body();
        assertThat(PrometheusText.labelValues(scrape, "projector_partition_lag_messages", "partition"))
                .as("a lag gauge per partition read").containsExactlyInAnyOrder("0", "1");
        assertThat(PrometheusText.labelValues(scrape, "projector_partition_lag_milliseconds", "topic"))
                .containsExactlyInAnyOrder("kafka-mode-it.articles", "kafka-mode-it.catalog");
        assertThat(PrometheusText.sum(scrape, "projector_partition_lag_messages", Map.of())).as("caught up").isZero();
    }

    @Test
    @Order(2)
    void shouldReplayChangesTheConnectorSkippedFromABinlogPositionAndApplyNothingTwice() throws Exception {
        JsonHttp admin = new JsonHttp("http://127.0.0.1:" + first.port()).as(ADMIN_TOKEN);
        JsonHttp.Response refused = admin.post("/replay?from=not-a-position", "");
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().path("error").asText()).contains("--from must be FILE:POSITION");
        String beforeApplied = binlogEnd();
        writeRound();
        awaitModelsEqualSql();
        // the connector skips a round: stopped while it is written, then moved past it (by a replay forward)
        connect.stop(CONNECTOR);
        Map<TopicPartition, Long> ends = topicEnds();
        long lastApplied = database.ids("SELECT MAX(article_id) FROM article").get(0);
        writeRound();
        JsonHttp.Response skip = admin.post("/replay?from=" + binlogEnd(), "");
        assertThat(skip.status()).as(skip.body()).isEqualTo(202);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(topicEnds()).as("the skipped round never reaches the topics").isEqualTo(ends));
        assertThat(redis.exists(boardKeys().article(lastApplied + 1))).as("a skipped article's model").isFalse();

        // from before the applied round: its changes come again and are skipped, the skipped round's are new
        JsonHttp.Response replay = admin.post("/replay?from=" + beforeApplied, "");

        assertThat(replay.status()).as(replay.body()).isEqualTo(202);
        awaitModelsEqualSql();
        assertThat(first.activeGeneration().name()).isEqualTo(NAMESPACE.activeIn(redis).orElseThrow().generation());
    }

    /** FILE:POSITION where the binlog ends now: the next transaction's GTID event starts there. */
    private static String binlogEnd() throws Exception {
        try (Connection connection = database.connectAsRoot(); Statement statement = connection.createStatement();
             ResultSet status = statement.executeQuery(BinlogStatus.statement(
                     connection.getMetaData().getDatabaseProductVersion()))) {
            assertThat(status.next()).as("the server writes a binlog").isTrue();
            return status.getString("File") + ":" + status.getLong("Position");
        }
    }

    @Test
    @Order(3)
    void shouldResumeFromTheOffsetsInRedisAfterARestartAndApplyNothingTwice() throws Exception {
        first.close();
        writeRound(); // while no projector reads
        // Kafka's own committed offsets are only a hint: set them back, so a projector that read from them would
        // get every change again
        try (Admin admin = Admin.create(adminProperties())) {
            admin.alterConsumerGroupOffsets(GROUP, Map.of(
                    new TopicPartition("kafka-mode-it.articles", 0), new OffsetAndMetadata(0),
                    new TopicPartition("kafka-mode-it.articles", 1), new OffsetAndMetadata(0),
                    new TopicPartition("kafka-mode-it.catalog", 0), new OffsetAndMetadata(0))).all().get();
        }

        first = new Projector(config, redis).start();
        writeRound();

        awaitModelsEqualSql();
        assertThat(first.status().duplicates()).as("changes delivered again after the restart").isZero();
        assertThat(first.status().streamedChanges()).as("changes applied after the restart").isPositive();
    }

    @Test
    @Order(4)
    void shouldSkipWhatTheConnectorSendsAgainAfterARestartFromOlderOffsets() throws Exception {
        String offsets = connect.offsets(CONNECTOR);
        writeRound();
        awaitModelsEqualSql();
        long skippedBefore = first.status().duplicates();

        connect.restartFrom(CONNECTOR, offsets); // it sends the round again, as new records
        writeRound();

        awaitModelsEqualSql();
        // a round is 24 row changes; the newest of each articles partition, sent again, is left to the models'
        // own positions
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(first.status().duplicates()
                - skippedBefore).as("changes sent again, skipped").isGreaterThanOrEqualTo(22));
    }

    @Test
    @Order(5)
    void shouldSplitThePartitionsBetweenTwoInstancesOfOneGroup() throws Exception {
        second = new Projector(config, redis).start();

        awaitPartitionsSplitBetweenFirstAndSecond();
        writeRound();
        database.execute("UPDATE catalog SET name = 'fruit of two' WHERE catalog_id = ?", catalog);

        awaitModelsEqualSql();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                redis.hget(catalogKeys().catalog(catalog), "name")).isEqualTo("fruit of two"));
    }

    @Test
    @Order(6)
    void shouldHandTheClosedInstancesPartitionsToTheOtherAndStayExact() throws Exception {
        second.close();
        second = null;
        writeRound();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(partitionsOf(first))
                .containsExactlyInAnyOrderElementsOf(ALL_PARTITIONS));
        awaitModelsEqualSql();
    }

    @Test
    @Order(7)
    void shouldRebuildFromTheTopicsBeginningWhileTwoInstancesServeAndSwitchBothToTheNewGeneration() throws Exception {
        second = new Projector(config, redis).start();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(partitionsOf(second)).isNotEmpty());
        String old = NAMESPACE.activeIn(redis).orElseThrow().generation();

        JsonHttp.Response rebuild = new JsonHttp("http://127.0.0.1:" + first.port()).as(ADMIN_TOKEN)
                .post("/rebuild", "");
        writeRound(); // while it reads the topics from their beginning
        writeRound();

        assertThat(rebuild.status()).as(rebuild.body()).isEqualTo(202);
        String rebuilt = rebuild.json().path("generation").asText();
        assertThat(rebuilt).isNotEqualTo(old);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(NAMESPACE.activeIn(redis).orElseThrow()
                .generation()).as("readers switched to the rebuilt generation").isEqualTo(rebuilt));
        writeRound(); // the instances follow the switch as their partitions' next changes come
        database.execute("UPDATE catalog SET name = 'rebuilt fruit' WHERE catalog_id = ?", catalog);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(first.activeGeneration().name()).isEqualTo(rebuilt);
            assertThat(second.activeGeneration().name()).isEqualTo(rebuilt);
            assertThat(redis.hget(catalogKeys().catalog(catalog), "name")).isEqualTo("rebuilt fruit");
        });
        awaitModelsEqualSql();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(redis.keys(
                NAMESPACE.inGeneration(old).everything())).as("the old generation's keys").isEmpty());
        assertThat(redis.get(NAMESPACE.rebuilding())).isNull();
        assertThat(redis.hget(NAMESPACE.activeIn(redis).orElseThrow().meta(), "building")).as("never built in place")
                .isNull();
        awaitPartitionsSplitBetweenFirstAndSecond(); // the rebuilding instance reads in the group again
    }

    @Test
    @Order(8)
    void shouldBuildANewGenerationWhenRedisLostEverythingWhileNoChangeComesAndAThirdInstanceJoins() throws Exception {
        // Redis flushed (this namespace's keys) while nobody writes: no partition gets a change to commit, and a
        // generation built in place is complete only once every partition, in every instance, has caught up
        redis.del(redis.keys(NAMESPACE.namespace() + ":*").toArray(String[]::new));
        third = new Projector(config, redis).start();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(redis.hget(
                NAMESPACE.activeIn(redis).orElseThrow().meta(), "building")).as("building").isEqualTo("0"));
        awaitModelsEqualSql();
    }

    private static void awaitPartitionsSplitBetweenFirstAndSecond() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<String> ofFirst = partitionsOf(first);
            List<String> ofSecond = partitionsOf(second);
            assertThat(ofFirst).isNotEmpty();
            assertThat(ofSecond).isNotEmpty();
            List<String> both = new ArrayList<>(ofFirst);
            both.addAll(ofSecond);
            assertThat(both).as("each partition read by one instance").containsExactlyInAnyOrderElementsOf(
                    ALL_PARTITIONS);
        });
    }

    /**
     * One round of plain SQL: an article on each board, comments and likes on the newest articles, an edited title,
     * a deleted comment, a deleted like and a deleted article, an article moved to another board.
     */
    private static void writeRound() throws Exception {
        round++;
        ArticleRounds.write(database, round, FIRST_BOARD, BOARDS, 40);
    }

    /** Every article's model and every board's count equal what SQL has, once the projectors have caught up. */
    private static void awaitModelsEqualSql() throws Exception {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            BoardKeys board = boardKeys();
            for (Map<String, Object> article : rows("SELECT a.article_id, a.board_id, a.title, "
                    + "(SELECT COUNT(*) FROM comment c WHERE c.article_id = a.article_id AND c.deleted = FALSE), "
                    + "(SELECT COUNT(*) FROM article_like l WHERE l.article_id = a.article_id) FROM article a")) {
                long id = (Long) article.get("1");
                Map<String, String> model = redis.hgetAll(board.article(id));
                assertThat(model).as("model of article %d", id).containsEntry("title", article.get("3").toString())
                        .containsEntry("commentCount", article.get("4").toString())
                        .containsEntry("likeCount", article.get("5").toString());
            }
            for (long id : database.ids("SELECT article_id FROM article")) {
                assertThat(redis.exists(board.article(id))).as("model of article %d", id).isTrue();
            }
            for (int i = 0; i < BOARDS; i++) {
                long boardId = FIRST_BOARD + i;
                long count = database.ids("SELECT article_id FROM article WHERE board_id = " + boardId).size();
                assertThat(redis.hget(board.board(boardId), "count")).as("count of board %d", boardId)
                        .isEqualTo(Long.toString(count));
            }
        });
        for (long deleted : database.ids("SELECT DISTINCT article_id FROM comment WHERE article_id NOT IN "
                + "(SELECT article_id FROM article)")) {
            // a snapshot of comments whose article is gone leaves their counts without a model (no articleId)
            assertThat(redis.hget(boardKeys().article(deleted), "articleId")).as("model of deleted article %d", deleted)
                    .isNull();
        }
    }

    private static List<Map<String, Object>> rows(String query) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection connection = database.connectAsRoot(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(query)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= columns; i++) {
                    row.put(Integer.toString(i), result.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static JsonNode status(Projector projector) {
        return new JsonHttp("http://127.0.0.1:" + projector.port()).get("/status").json();
    }

    /** The partitions a projector's /status says it reads, as "topic-partition". */
    private static List<String> partitionsOf(Projector projector) {
        List<String> partitions = new ArrayList<>();
        status(projector).path("partitions").forEach(partition -> partitions.add(partition.path("topic").asText() + "-"
                + partition.path("partition").asInt()));
        return partitions;
    }

    private static BoardKeys boardKeys() {
        return NAMESPACE.activeIn(redis).map(BoardKeys::in)
                .orElseThrow(() -> new AssertionError("the projector has made no generation yet"));
    }

    private static CatalogKeys catalogKeys() {
        return NAMESPACE.activeIn(redis).map(CatalogKeys::in)
                .orElseThrow(() -> new AssertionError("the projector has made no generation yet"));
    }

    /** The end offset of each partition of the connector's topics. */
    private static Map<TopicPartition, Long> topicEnds() throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (String partition : ALL_PARTITIONS) {
            int dash = partition.lastIndexOf('-');
            latest.put(new TopicPartition(partition.substring(0, dash), Integer.parseInt(partition.substring(dash + 1))),
                    OffsetSpec.latest());
        }
        try (Admin admin = Admin.create(adminProperties())) {
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
            return ends;
        }
    }

    private static Properties adminProperties() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return properties;
    }
}
