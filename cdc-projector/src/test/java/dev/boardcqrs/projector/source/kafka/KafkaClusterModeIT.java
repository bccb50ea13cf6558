package dev.boardcqrs.projector.source.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.catalog.CatalogKeys;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.RedisClients;
import dev.boardcqrs.common.writer.WriterKeys;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.EmbeddedRedisCluster;
import dev.boardcqrs.embedded.EmbeddedKafkaConnect;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.Projector;
import dev.boardcqrs.projector.ProjectorConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

/**
 * cdc-projector in Kafka mode writing to a 3-master Redis Cluster: each batch is committed a MULTI/EXEC per slot
 * and the partition's position last. Snapshot rows, then plain-SQL rounds (comments, likes, an edit, a move between
 * boards, a delete) end with every article model, board and writer count and list equal to SQL, the models spread
 * over every master.
 */
class KafkaClusterModeIT {
    private static final String CONNECTOR = "board-cqrs-kafka-cluster-it";
    private static final KeyScheme NAMESPACE = new KeyScheme("clusterit");
    private static final long FIRST_BOARD = 8_201;
    private static final int BOARDS = 3;
    private static final long FIRST_WRITER = 4_201;

    private static EmbeddedDatabase database;
    private static EmbeddedRedisCluster cluster;
    private static EmbeddedKafkaConnect connect;
    private static UnifiedJedis redis;
    private static Projector projector;
    private static int round;
    private static long catalog;

    @BeforeAll
    static void startTheConnectorAndAProjectorOnTheCluster() throws Exception {
        database = SharedServers.database();
        cluster = EmbeddedRedisCluster.start();
        redis = RedisClients.connectWithoutCap(cluster.url()); // as the projector's main
        ProjectorConfig config = ProjectorConfig.fromEnv(new Env(Map.ofEntries(
                Map.entry("DATABASE_URL", database.jdbcUrl()),
                Map.entry("REDIS_URL", cluster.url()),
                Map.entry("REDIS_NAMESPACE", NAMESPACE.namespace()),
                Map.entry("PROJECTOR_PORT", "0"),
                Map.entry("PROJECTOR_SOURCE", "kafka"),
                Map.entry("PROJECTOR_SERVER_ID", "184270"),
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", SharedServers.kafka().bootstrapServers()),
                Map.entry("KAFKA_TOPIC_PREFIX", "kafka-cluster-it"),
                Map.entry("KAFKA_PARTITIONS", "2"),
                Map.entry("KAFKA_GROUP_ID", "kafka-cluster-it"))));
        writeRound(); // before the connector starts: snapshot rows
        catalog = database.insert("INSERT INTO catalog (parent_id, name, display_order) VALUES (NULL, 'c', 1)");
        database.insert("INSERT INTO product (catalog_id, name, price) VALUES (?, 'p', 120)", catalog);
        connect = ArticleRounds.runConnector(database, config, CONNECTOR);
        projector = new Projector(config, redis).start();
    }

    @AfterAll
    static void stop() {
        if (projector != null) {
            projector.close();
        }
        if (connect != null) {
            connect.remove(CONNECTOR);
        }
        if (redis != null) {
            redis.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldProjectIntoEveryMasterOfTheClusterAsSqlHasIt() throws Exception {
        writeRound();
        writeRound();
        database.execute("UPDATE catalog SET name = 'renamed' WHERE catalog_id = ?", catalog);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertModelsEqualSql();
            assertThat(redis.hmget(catalogKeys().catalog(catalog), "name", "sellable")).containsExactly("renamed", "1");
        });
        for (int port : cluster.ports()) {
            try (Jedis master = new Jedis("127.0.0.1", port)) {
                assertThat(master.keys(NAMESPACE.activeIn(redis).orElseThrow().modelPrefix() + "{a:*"))
                        .as("article models on the master at %d", port).isNotEmpty();
            }
        }
    }

    /** One round of plain SQL ({@link ArticleRounds}), each board's articles by a writer of its own. */
    private static void writeRound() throws Exception {
        round++;
        ArticleRounds.write(database, round, FIRST_BOARD, BOARDS, FIRST_WRITER);
    }

    private static void assertModelsEqualSql() throws Exception {
        KeyScheme generation = NAMESPACE.activeIn(redis).orElseThrow();
        assertThat(redis.hget(generation.meta(), "building")).as("building").isEqualTo("0");
        BoardKeys boards = BoardKeys.in(generation);
        WriterKeys writers = WriterKeys.in(generation);
        for (long id : database.ids("SELECT article_id FROM article WHERE board_id BETWEEN " + FIRST_BOARD + " AND "
                + (FIRST_BOARD + BOARDS))) {
            Map<String, String> model = redis.hgetAll(boards.article(id));
            assertThat(model.get("commentCount")).as("comments of %d", id).isEqualTo(count(
                    "SELECT COUNT(*) FROM comment WHERE deleted = FALSE AND article_id = " + id));
            assertThat(model.get("likeCount")).as("likes of %d", id).isEqualTo(count(
                    "SELECT COUNT(*) FROM article_like WHERE article_id = " + id));
            assertThat(model.get("boardId")).as("board of %d", id).isEqualTo(count(
                    "SELECT board_id FROM article WHERE article_id = " + id));
        }
        for (int i = 0; i < BOARDS; i++) {
            String where = "board_id = " + (FIRST_BOARD + i);
            assertListEqualsSql(where, boards.board(FIRST_BOARD + i), boards.boardArticles(FIRST_BOARD + i));
            where = "writer_id = " + (FIRST_WRITER + i);
            assertListEqualsSql(where, writers.writer(FIRST_WRITER + i), writers.writerArticles(FIRST_WRITER + i));
        }
    }

    private static void assertListEqualsSql(String where, String owner, String list) throws Exception {
        List<String> ids = database.ids("SELECT article_id FROM article WHERE " + where + " ORDER BY article_id DESC")
                .stream().map(String::valueOf).toList();
        assertThat(redis.hget(owner, "count")).as("count of %s", owner).isEqualTo(Integer.toString(ids.size()));
        assertThat(redis.zrevrange(list, 0, -1)).as("list of %s", owner).isEqualTo(ids);
    }

    private static String count(String query) throws Exception {
        return Long.toString(database.ids(query).get(0));
    }

    private static CatalogKeys catalogKeys() {
        return CatalogKeys.in(NAMESPACE.activeIn(redis).orElseThrow());
    }
}
