package dev.boardcqrs.command;

import static dev.boardcqrs.embedded.JsonHttp.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.EmbeddedRedis;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SharedServers;
import io.javalin.Javalin;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * command-api while its Redis is dead: the writes that need no Redis go on, counting a view answers 503 with
 * Retry-After, and no view counted before is lost (the backup keeps it, and a counter Redis lost resumes from it).
 * Its Redis is its own: the test kills it.
 */
class RedisDownWritesIT {
    private static EmbeddedDatabase database;
    private static EmbeddedRedis redisServer;
    private static RedisClient redis;
    private static HikariDataSource pool;
    private static Javalin app;
    private static JsonHttp http;

    @BeforeAll
    static void start() {
        database = SharedServers.database();
        redisServer = EmbeddedRedis.start();
        redis = RedisClient.create(URI.create(redisServer.url()));
        pool = Database.pool(database.jdbcUrl(), EmbeddedDatabase.APP_USER, EmbeddedDatabase.APP_PASSWORD, 4,
                Duration.ofSeconds(5));
        app = CommandApp.create(TestConfig.commandApi(Map.of("REDIS_URL", redisServer.url(),
                "VIEW_BACKUP_INTERVAL", "200ms")), pool, redis).start();
        http = TestApp.http(app);
    }

    @AfterAll
    static void stop() {
        app.stop();
        pool.close();
        redis.close();
        redisServer.close();
    }

    @Test
    void shouldKeepWritingAndAnswerViews503WithoutLosingCountedViewsWhileRedisIsDown() throws Exception {
        long articleId = http.as(TestConfig.token(1)).post("/articles",
                toJson(Map.of("boardId", 1, "title", "t", "content", "c"))).json().get("articleId").asLong();
        for (long user = 1; user <= 3; user++) {
            assertThat(view(articleId, user).status()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> backup(articleId) == 3);

        redisServer.kill();
        try {
            assertThat(http.as(TestConfig.token(2)).post("/articles/" + articleId + "/comments",
                    toJson(Map.of("content", "still writing"))).status()).isEqualTo(201);
            assertThat(http.as(TestConfig.token(2)).post("/articles/" + articleId + "/likes", "").status())
                    .isEqualTo(201);
            JsonHttp.Response refused = view(articleId, 4);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            // the backup timer runs and fails meanwhile: what it saved stays
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> backup(articleId) == 3);
        } finally {
            redisServer.startAgain();
        }

        // the restarted Redis lost the counter: the next view resumes from the backup
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> view(articleId, 5).json().get("viewCount").asLong() == 4);
    }

    private static JsonHttp.Response view(long articleId, long userId) {
        return http.as(TestConfig.token(userId)).post("/articles/" + articleId + "/views", "");
    }

    private static long backup(long articleId) throws Exception {
        return database.count("SELECT COALESCE(MAX(view_count), -1) FROM article_view_count WHERE article_id = "
                + articleId);
    }
}
