package dev.boardcqrs.projector.source.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.EmbeddedKafkaConnect;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.Projector;
import dev.boardcqrs.projector.ProjectorConfig;
import dev.boardcqrs.projector.ReadModels;
import dev.boardcqrs.projector.redis.JedisProjectorRedis;
import dev.boardcqrs.projector.redis.ProjectorRedis;
import dev.boardcqrs.projector.redis.RedisProjection;
import dev.boardcqrs.projector.source.debezium.ServerKind;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * A partition taken away in the middle of a batch, on a real broker (issue 18, Proof): instance A's commit of its
 * batch is in flight (sent, its Redis answer held back: {@link SlowRedis}) when instance B joins the group and the
 * rebalance gives B one of A's partitions. A gives up the batch, B reads the partition on from the offset Redis
 * holds, so it applies the records A had in flight; then A's held commit reaches Redis. Each comment insert must
 * then be applied exactly once, counted by {@link AppliedComments}, which has no position guard of its own and
 * would count an insert applied twice twice.
 */
class PartitionTakeOverIT {
    private static final String CONNECTOR = "board-cqrs-take-over-it";
    private static final KeyScheme NAMESPACE = new KeyScheme("takeoverit");
    private static final long FIRST_BOARD = 8_201;
    private static final int ARTICLES = 8;

    private final EmbeddedDatabase database = SharedServers.database();
    private final RedisClient redis = RedisClient.create(URI.create(SharedServers.redis().url()));
    private final EmbeddedKafkaConnect connect = SharedServers.kafkaConnect();
    private final List<Projector> projectors = new ArrayList<>();

    @AfterEach
    void stop() {
        projectors.forEach(Projector::close);
        connect.remove(CONNECTOR);
        redis.close();
    }

    @Test
    void shouldApplyEachChangeOnceWhenAPartitionMovesWhileItsBatchIsInFlight() throws Exception {
        ProjectorConfig config = config();
        List<Long> articles = new ArrayList<>();
        for (int i = 0; i < ARTICLES; i++) { // ids spread over both partitions
            articles.add(database.insert("INSERT INTO article (board_id, writer_id, title, content) VALUES (?, 70, ?, 'c')",
                    FIRST_BOARD + i % 2, "take-over " + i));
        }
        comment(articles);
        runConnector(config);
        SlowRedis slow = new SlowRedis();
        Projector first = start(config, slow.around(new JedisProjectorRedis(redis)));
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(partitionsOf(first)).containsExactlyInAnyOrder("take-over-it.articles-0", "take-over-it.articles-1");
            assertCommentsAppliedOnce(articles);
        });

        slow.hold();
        comment(articles);
        comment(articles);
        await().atMost(Duration.ofSeconds(30)).alias("the first instance's commits in flight").until(() -> slow.waiting() > 0);
        Projector second = start(config, new JedisProjectorRedis(redis));
        await().atMost(Duration.ofSeconds(60)).alias("the second instance took a partition over and applied it")
                .untilAsserted(() -> assertThat(status(second).path("partitions")).singleElement().satisfies(partition -> {
                    assertThat(partition.path("lag").asLong()).isZero();
                    assertThat(partition.path("offset").asLong()).isEqualTo(partition.path("delivered").asLong());
                }));
        assertThat(partitionsOf(first)).as("the first instance kept one").hasSize(1);
        slow.release();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertCommentsAppliedOnce(articles));
        comment(articles); // both instances apply on from there
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertCommentsAppliedOnce(articles));
    }

    /** Every article's comment count, and the inserts applied of them, equal the comments SQL has. */
    private void assertCommentsAppliedOnce(List<Long> articles) throws Exception {
        KeyScheme generation = NAMESPACE.activeIn(redis).orElseThrow();
        Map<String, String> applied = redis.hgetAll(AppliedComments.key(generation));
        for (long article : articles) {
            long comments = database.count("SELECT COUNT(*) FROM comment WHERE article_id = " + article);
            assertThat(redis.hget(BoardKeys.in(generation).article(article), "commentCount"))
                    .as("comment count of article %d", article).isEqualTo(Long.toString(comments));
            assertThat(applied.get(Long.toString(article))).as("comment inserts applied of article %d", article)
                    .isEqualTo(Long.toString(comments));
        }
    }

    private void comment(List<Long> articles) throws Exception {
        for (long article : articles) {
            database.insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 71, 'c')", article);
        }
    }

    private ProjectorConfig config() {
        return ProjectorConfig.fromEnv(new Env(Map.ofEntries(
                Map.entry("DATABASE_URL", database.jdbcUrl()),
                Map.entry("REDIS_URL", SharedServers.redis().url()),
                Map.entry("REDIS_NAMESPACE", NAMESPACE.namespace()),
                Map.entry("PROJECTOR_PORT", "0"),
                Map.entry("PROJECTOR_SOURCE", "kafka"),
                // a binlog reader of its own: the other connectors and engines on this database use other ids
                Map.entry("PROJECTOR_SERVER_ID", "184261"),
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", SharedServers.kafka().bootstrapServers()),
                Map.entry("KAFKA_TOPIC_PREFIX", "take-over-it"),
                Map.entry("KAFKA_PARTITIONS", "2"),
                Map.entry("KAFKA_GROUP_ID", "take-over-it"))));
    }

    private void runConnector(ProjectorConfig config) throws Exception {
        ServerKind kind = ServerKind.detect(database.jdbcUrl(), config.databaseUser(), config.databasePassword());
        // the articles' tables only: no catalog topic, so the group has only the two articles partitions to share and
        // the one that moves is one whose batch is in flight
        List<String> tables = ReadModels.tables(ReadModels.redis(config)).stream()
                .filter(table -> !table.equals("catalog") && !table.equals("product")).toList();
        Map<String, String> settings = new HashMap<>(ConnectorConfig.render(config, config.kafka(), kind, tables,
                ReadModels.orderingGroups()));
        settings.put("name", CONNECTOR);
        connect.run(CONNECTOR, settings);
    }

    /** A projector with the standard read models and {@link AppliedComments}. */
    private Projector start(ProjectorConfig config, ProjectorRedis projectorRedis) throws Exception {
        List<RedisProjection<?>> projections = new ArrayList<>(ReadModels.redis(config));
        projections.add(new AppliedComments());
        Projector projector = new Projector(config, projectorRedis, projections).start();
        projectors.add(projector);
        return projector;
    }

    private static JsonNode status(Projector projector) {
        return new JsonHttp("http://127.0.0.1:" + projector.port()).get("/status").json();
    }

    /** The partitions of the articles topic a projector's /status says it reads, as "topic-partition". */
    private static List<String> partitionsOf(Projector projector) {
        List<String> partitions = new ArrayList<>();
        status(projector).path("partitions").forEach(partition -> {
            if (partition.path("topic").asText().endsWith(".articles")) {
                partitions.add(partition.path("topic").asText() + "-" + partition.path("partition").asInt());
            }
        });
        return partitions;
    }
}
