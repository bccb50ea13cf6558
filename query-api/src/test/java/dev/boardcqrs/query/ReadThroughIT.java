package dev.boardcqrs.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.embedded.EmbeddedRedis;
import dev.boardcqrs.embedded.FreePort;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.JsonHttp.Response;
import dev.boardcqrs.embedded.PrometheusText;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.query.readthrough.ArticleSource;
import dev.boardcqrs.query.readthrough.QueryDatabase;
import dev.boardcqrs.query.readthrough.SqlArticleSource;
import io.javalin.Javalin;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The read-through path against the real MariaDB and Redis: collapsed, bounded, and failing with 503. */
class ReadThroughIT {
    private static EmbeddedRedis redisServer;
    private static RedisClient redis;
    private static HikariDataSource database;
    private static long articleId;

    @BeforeAll
    static void start() throws Exception {
        redisServer = SharedServers.redis();
        redis = RedisClient.create(URI.create(redisServer.url()));
        database = QueryDatabase.pool(config(Map.of()));
        try (Connection root = SharedServers.database().connectAsRoot();
             PreparedStatement insert = root.prepareStatement(
                     "INSERT INTO article (board_id, writer_id, title, content) VALUES (77, 1, 'cold', 'c')",
                     Statement.RETURN_GENERATED_KEYS)) {
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                articleId = keys.getLong(1);
            }
            root.createStatement().execute("INSERT INTO comment (article_id, writer_id, content) VALUES (" + articleId + ", 2, 'x')");
        }
    }

    @AfterAll
    static void stop() {
        redis.close();
        database.close();
    }

    @Test
    void shouldServeAThousandConcurrentMissesOfOneArticleWithOneSqlRead() throws Exception {
        CountingSource source = new CountingSource(new SqlArticleSource(database, Duration.ofSeconds(2)), Duration.ofMillis(300));
        redis.set(new KeyScheme("collapse").active(), "g1"); // as the projector does on its first start
        Javalin app = QueryApp.create(config(Map.of("REDIS_NAMESPACE", "collapse")), redis, source).start();
        try {
            JsonHttp http = TestQueryApp.http(app);
            ExecutorService readers = Executors.newFixedThreadPool(64);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                answers.add(readers.submit(() -> {
                    go.await();
                    return http.get("/articles/" + articleId);
                }));
            }
            go.countDown();
            for (Future<Response> answer : answers) {
                Response response = answer.get(30, TimeUnit.SECONDS);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.json().get("commentCount").asLong()).isEqualTo(1);
            }
            readers.shutdown();
        } finally {
            app.stop();
        }
        assertThat(source.reads.get()).isEqualTo(1);
    }

    @Test
    void shouldAnswer503RatherThanQueueWhenAllReadThroughsAreBusy() throws Exception {
        CountingSource slow = new CountingSource(new SqlArticleSource(database, Duration.ofSeconds(2)), Duration.ofSeconds(3));
        Javalin app = QueryApp.create(config(Map.of("REDIS_NAMESPACE", "busy", "READ_THROUGH_CONCURRENCY", "1",
                "READ_THROUGH_TIMEOUT", "500ms")), redis, slow).start();
        try {
            JsonHttp http = TestQueryApp.http(app);
            ExecutorService first = Executors.newSingleThreadExecutor();
            first.submit(() -> http.get("/articles/" + articleId));
            await().atMost(Duration.ofSeconds(10)).until(() -> slow.reads.get() > 0);
            Response second = http.get("/articles/" + (articleId + 1000));

            assertThat(second.status()).isEqualTo(503);
            assertThat(second.header("Retry-After")).isEqualTo("1");
            assertThat(second.json().get("error").asText()).contains("not cached");
            first.shutdownNow();
        } finally {
            app.stop();
        }
    }

    @Test
    void shouldAnswer503JsonWhenTheModelIsMissingAndTheDatabaseIsDown() {
        QueryApiConfig nowhere = config(Map.of("REDIS_NAMESPACE", "down", "READ_THROUGH_TIMEOUT", "300ms",
                "QUERY_DATABASE_URL", "jdbc:mariadb://127.0.0.1:" + FreePort.find() + "/board"));
        try (HikariDataSource deadPool = QueryDatabase.pool(nowhere)) {
            Javalin app = QueryApp.create(nowhere, redis, new SqlArticleSource(deadPool, Duration.ofMillis(300))).start();
            try {
                Response response = TestQueryApp.http(app).get("/articles/" + articleId);

                assertThat(response.status()).isEqualTo(503);
                assertThat(response.json().get("error").asText())
                        .isEqualTo("the article is not cached and the database is unavailable, try again later");
            } finally {
                app.stop();
            }
        }
    }

    @Test
    void shouldCountAMissAndItsRebuildThenAHitAndAFailedFallback() throws Exception {
        redis.set(new KeyScheme("metered").active(), "g1"); // as the projector does on its first start
        Javalin app = QueryApp.create(config(Map.of("REDIS_NAMESPACE", "metered")), redis,
                new SqlArticleSource(database, Duration.ofSeconds(2))).start();
        QueryApiConfig nowhere = config(Map.of("REDIS_NAMESPACE", "metered-down", "READ_THROUGH_TIMEOUT", "300ms",
                "QUERY_DATABASE_URL", "jdbc:mariadb://127.0.0.1:" + FreePort.find() + "/board"));
        try (HikariDataSource deadPool = QueryDatabase.pool(nowhere)) {
            Javalin down = QueryApp.create(nowhere, redis, new SqlArticleSource(deadPool, Duration.ofMillis(300))).start();
            try {
                JsonHttp http = TestQueryApp.http(app);
                assertThat(http.get("/articles/" + articleId).status()).isEqualTo(200);
                String afterMiss = http.get("/metrics").body();
                assertThat(PrometheusText.sum(afterMiss, "query_model_misses_total", Map.of())).isEqualTo(1);
                assertThat(PrometheusText.sum(afterMiss, "query_readthrough_rebuilds_total", Map.of())).isEqualTo(1);
                assertThat(PrometheusText.sum(afterMiss, "query_model_hits_total", Map.of())).isZero();

                assertThat(http.get("/articles/" + articleId).status()).isEqualTo(200);
                String afterHit = http.get("/metrics").body();
                assertThat(PrometheusText.sum(afterHit, "query_model_hits_total", Map.of())).isEqualTo(1);
                assertThat(PrometheusText.sum(afterHit, "query_readthrough_rebuilds_total", Map.of())).isEqualTo(1);
                assertThat(PrometheusText.sum(afterHit, "http_server_requests_seconds_count",
                        Map.of("route", "/articles/{articleId}", "status", "200"))).isEqualTo(2);

                JsonHttp failing = TestQueryApp.http(down);
                assertThat(failing.get("/articles/" + articleId).status()).isEqualTo(503);
                assertThat(PrometheusText.sum(failing.get("/metrics").body(), "query_readthrough_errors_total", Map.of()))
                        .isEqualTo(1);
            } finally {
                down.stop();
            }
        } finally {
            app.stop();
        }
    }

    /** Counts the SQL reads that reach the real source, which is made slow so that concurrent misses overlap. */
    private static final class CountingSource implements ArticleSource {
        final AtomicInteger reads = new AtomicInteger();
        private final ArticleSource real;
        private final Duration latency;

        CountingSource(ArticleSource real, Duration latency) {
            this.real = real;
            this.latency = latency;
        }

        @Override
        public Snapshot articles(Collection<Long> articleIds) {
            reads.incrementAndGet();
            try {
                Thread.sleep(latency.toMillis()); // a slow database, not a wait for the test
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return real.articles(articleIds);
        }

        @Override
        public List<Long> articleIds(String column, long owner, long belowId, long offset, int limit) {
            return real.articleIds(column, owner, belowId, offset, limit);
        }

        @Override
        public long articleCount(String column, long owner) {
            return real.articleCount(column, owner);
        }

        @Override
        public Map<Long, Long> backedUpViewCounts(Collection<Long> articleIds) {
            return real.backedUpViewCounts(articleIds);
        }
    }

    private static QueryApiConfig config(Map<String, String> overrides) {
        Map<String, String> variables = new HashMap<>(Map.of("QUERY_API_PORT", "0",
                "QUERY_DATABASE_URL", SharedServers.database().jdbcUrl()));
        variables.putAll(overrides);
        return QueryApiConfig.fromEnv(new Env(variables));
    }
}
