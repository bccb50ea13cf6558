package dev.boardcqrs.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.embedded.EmbeddedMariaDb;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.EmbeddedRedis;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.PrometheusText;
import dev.boardcqrs.embedded.SharedServers;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The projector against real servers: rows written with plain SQL become query models in Redis. */
class ProjectorIT {
    private static final KeyScheme KEYS = new KeyScheme("it");

    private static EmbeddedDatabase database;
    private static EmbeddedRedis redisServer;
    private static RedisClient redis;
    private static ProjectorConfig config;
    private static Projector projector;

    @BeforeAll
    static void start() throws Exception {
        database = EmbeddedDatabase.start(SharedServers.databaseKind());
        redisServer = EmbeddedRedis.start();
        redis = RedisClient.create(URI.create(redisServer.url()));
        Path dir = Files.createTempDirectory("projector-it");
        config = ProjectorConfig.fromEnv(new dev.boardcqrs.common.config.Env(Map.of(
                "DATABASE_URL", database.jdbcUrl(),
                "REDIS_URL", redisServer.url(),
                "REDIS_NAMESPACE", "it",
                "PROJECTOR_PORT", "0",
                "PROJECTOR_OFFSET_FILE", dir.resolve("offsets.dat").toString(),
                "PROJECTOR_SCHEMA_HISTORY_FILE", dir.resolve("history.dat").toString())));
        sql("INSERT INTO article (article_id, board_id, writer_id, title, content) VALUES (1, 10, 5, 'before start', 'x')");
        projector = new Projector(config, redis).start();
    }

    @AfterAll
    static void stop() {
        projector.close();
        redis.close();
        redisServer.close();
        database.close();
    }

    @Test
    void shouldSnapshotExistingRowsAndStreamPlainSqlChanges() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> redis.exists(keys().article(1)));
        assertThat(redis.hget(keys().article(1), "title")).isEqualTo("before start");

        sql("INSERT INTO comment (article_id, writer_id, content) VALUES (1, 6, 'hi')");
        sql("INSERT INTO article_like (article_id, user_id) VALUES (1, 7)");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(redis.hget(keys().article(1), "commentCount")).isEqualTo("1");
            assertThat(redis.hget(keys().article(1), "likeCount")).isEqualTo("1");
        });
        assertThat(redis.zrange(keys().boardArticles(10), 0, -1)).containsExactly("1");
    }

    @Test
    void shouldCountAppliedEventsByTableAndOperationInItsMetrics() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> redis.exists(keys().article(1)));
        JsonHttp http = new JsonHttp("http://127.0.0.1:" + projector.port());
        double before = PrometheusText.sum(http.get("/metrics").body(), "projector_events_total",
                Map.of("table", "article_like", "operation", "create"));
        for (int user = 100; user < 105; user++) {
            sql("INSERT INTO article_like (article_id, user_id) VALUES (999, " + user + ")"); // no model: counted all the same
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(PrometheusText.sum(
                http.get("/metrics").body(), "projector_events_total",
                Map.of("table", "article_like", "operation", "create"))).isEqualTo(before + 5));
        String scrape = http.get("/metrics").body();
        assertThat(PrometheusText.sum(scrape, "projector_batch_size_count", Map.of())).isPositive();
        assertThat(PrometheusText.sum(scrape, "projector_batch_apply_seconds_count", Map.of())).isPositive();
        assertThat(PrometheusText.sum(scrape, "projector_snapshot_rows_done", Map.of())).isEqualTo(1);
        assertThat(scrape).contains("projector_lag_milliseconds", "projector_dead_letters");
    }

    @Test
    void shouldLetTheEnginesPollSleepWhileNothingIsWritten() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> redis.exists(keys().article(1)));
        Thread poller = await().atMost(Duration.ofSeconds(10)).until(ProjectorIT::connectorPollThread, t -> t != null);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuBefore = threads.getThreadCpuTime(poller.getId());
        long wallBefore = System.nanoTime();
        await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
        long cpuNanos = threads.getThreadCpuTime(poller.getId()) - cpuBefore;
        long wallNanos = System.nanoTime() - wallBefore;
        // Debezium's own poll spins through its 1 ms interval: most of the wall time on a core
        assertThat(cpuNanos).as("the poll thread's CPU over %d ms of quiet", wallNanos / 1_000_000)
                .isLessThan(wallNanos / 20);

        sql("INSERT INTO article (article_id, board_id, writer_id, title, content) VALUES (2, 20, 5, 'after quiet', 'x')");
        await().atMost(Duration.ofSeconds(10)).until(() -> "after quiet".equals(redis.hget(keys().article(2), "title")));
    }

    /** The thread in a connector task's poll (the engine's polling thread), or null if none is in it right now. */
    private static Thread connectorPollThread() {
        for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
            for (StackTraceElement frame : entry.getValue()) {
                if (frame.getClassName().equals("io.debezium.connector.common.BaseSourceTask")
                        && frame.getMethodName().equals("poll")) {
                    return entry.getKey();
                }
            }
        }
        return null;
    }

    private static void sql(String statement) throws Exception {
        try (Connection connection = database.connectAsRoot(); Statement s = connection.createStatement()) {
            s.execute(statement);
        }
    }

    /** The board's keys in the generation readers use now. */
    private static BoardKeys keys() {
        return KEYS.activeIn(redis).map(BoardKeys::in).orElseThrow(() -> new AssertionError("the projector has made no generation yet"));
    }
}
