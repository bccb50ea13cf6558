package dev.boardcqrs.command;

import static dev.boardcqrs.embedded.JsonHttp.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.command.view.ViewBackupJob;
import dev.boardcqrs.command.view.ViewBackupStore;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.view.ViewKeys;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.EmbeddedRedis;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SharedServers;
import io.javalin.Javalin;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** View counting against real Redis and MariaDB: exact under concurrency, windowed per user, backed up. */
class ViewCountingIT {
    private static final ViewKeys KEYS = new ViewKeys(KeyScheme.DEFAULT_NAMESPACE);
    // the app with a fast timer gets its own namespace, so its timer cannot back up the other app's views
    private static final ViewKeys TIMED_KEYS = new ViewKeys("timed");

    private static EmbeddedDatabase database;
    private static EmbeddedRedis redisServer;
    private static RedisClient redis;
    private static HikariDataSource pool;
    private static Javalin app;
    private static Javalin timedApp;
    private static JsonHttp http;
    private static JsonHttp timedHttp;

    @BeforeAll
    static void start() {
        database = SharedServers.database();
        redisServer = SharedServers.redis();
        redis = RedisClient.create(URI.create(redisServer.url()));
        pool = Database.pool(database.jdbcUrl(), EmbeddedDatabase.APP_USER, EmbeddedDatabase.APP_PASSWORD, 16,
                Duration.ofSeconds(5));
        // the timer is effectively off here, so only the every-100 rule writes backups
        app = CommandApp.create(TestConfig.commandApi(Map.of("VIEW_WINDOW", "1s", "VIEW_BACKUP_INTERVAL", "1h")),
                pool, redis).start();
        timedApp = CommandApp.create(TestConfig.commandApi(Map.of("VIEW_BACKUP_INTERVAL", "200ms",
                "REDIS_NAMESPACE", "timed")), pool, redis).start();
        http = TestApp.http(app);
        timedHttp = TestApp.http(timedApp);
    }

    @AfterAll
    static void stop() {
        timedApp.stop();
        app.stop();
        pool.close();
        redis.close();
    }

    @Test
    void shouldCountAThousandConcurrentViewsByDistinctUsersExactly() throws Exception {
        long articleId = createArticle();
        ExecutorService clients = Executors.newFixedThreadPool(32);
        List<Future<JsonNode>> answers = new ArrayList<>();
        for (int user = 1; user <= 1000; user++) {
            int userId = user;
            answers.add(clients.submit(() -> view(http, articleId, userId)));
        }
        long counted = 0;
        for (Future<JsonNode> answer : answers) {
            counted += answer.get().get("counted").asBoolean() ? 1 : 0;
        }
        clients.shutdown();

        assertThat(counted).isEqualTo(1000);
        assertThat(redis.get(KEYS.viewCount(articleId))).isEqualTo("1000");
        assertThat(backup(articleId)).isEqualTo(1000);
    }

    @Test
    void shouldCountTheSameUserOnceWithinTheWindowAndAgainAfterIt() {
        long articleId = createArticle();

        assertThat(view(http, articleId, 5).get("counted").asBoolean()).isTrue();
        JsonNode again = view(http, articleId, 5);
        assertThat(again.get("counted").asBoolean()).isFalse();
        assertThat(again.get("viewCount").asLong()).isEqualTo(1);
        assertThat(view(http, articleId, 6).get("viewCount").asLong()).isEqualTo(2);

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> view(http, articleId, 5).get("counted").asBoolean());
        assertThat(redis.get(KEYS.viewCount(articleId))).isEqualTo("3");
    }

    @Test
    void shouldBackUpOnEveryHundredthCountedView() throws Exception {
        long articleId = createArticle();
        for (int user = 1; user <= 99; user++) {
            view(http, articleId, user);
        }
        assertThat(backup(articleId)).isEqualTo(-1);

        view(http, articleId, 100);

        assertThat(backup(articleId)).isEqualTo(100);
    }

    @Test
    void shouldBackUpUnsavedViewsOnTheTimer() {
        long articleId = createArticle();
        for (int user = 1; user <= 5; user++) {
            view(timedHttp, articleId, user);
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> backup(articleId) == 5);
    }

    @Test
    void shouldResumeFromTheBackupWhenRedisLosesTheCounter() throws Exception {
        long articleId = createArticle();
        for (int user = 1; user <= 100; user++) {
            view(http, articleId, user);
        }
        redis.del(KEYS.viewCount(articleId)); // as after a Redis restart without persistence

        JsonNode next = view(http, articleId, 101);

        assertThat(next.get("viewCount").asLong()).isEqualTo(101);
        assertThat(backup(articleId)).isEqualTo(100);
    }

    @Test
    void shouldNeverLowerAStoredBackup() throws Exception {
        long articleId = createArticle();
        sql("INSERT INTO article_view_count (article_id, view_count) VALUES (" + articleId + ", 500)");
        redis.set(TIMED_KEYS.viewCount(articleId), "7");
        redis.sadd(TIMED_KEYS.viewsUnsaved(), Long.toString(articleId));

        await().atMost(Duration.ofSeconds(5))
                .until(() -> !redis.sismember(TIMED_KEYS.viewsUnsaved(), Long.toString(articleId)));

        assertThat(backup(articleId)).isEqualTo(500);
    }

    @Test
    void shouldKeepTheMarksOfEveryArticleARefusedBackupLeftAndSaveThemOnTheNextRun() throws Exception {
        ViewKeys keys = new ViewKeys("refused");
        List<String> articles = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String articleId = Long.toString(createArticle());
            redis.set(keys.viewCount(Long.parseLong(articleId)), "4");
            redis.sadd(keys.viewsUnsaved(), articleId);
            articles.add(articleId);
        }
        HikariDataSource down = Database.pool(database.jdbcUrl(), EmbeddedDatabase.APP_USER, EmbeddedDatabase.APP_PASSWORD,
                1, Duration.ofSeconds(1));
        down.close(); // as a database that went away

        ViewBackupJob refused = new ViewBackupJob(redis, keys, new ViewBackupStore(new Database(down)), Duration.ofHours(1));
        assertThatThrownBy(refused::backUpUnsaved).isInstanceOf(RuntimeException.class);

        assertThat(redis.smembers(keys.viewsUnsaved())).containsExactlyInAnyOrderElementsOf(articles);
        ViewBackupJob next = new ViewBackupJob(redis, keys, new ViewBackupStore(new Database(pool)), Duration.ofHours(1));
        assertThat(next.backUpUnsaved()).isEqualTo(3);
        for (String articleId : articles) {
            assertThat(backup(Long.parseLong(articleId))).isEqualTo(4);
        }
    }

    @Test
    void shouldAnswer404ForAnUnknownArticleAnd401WithoutAToken() {
        assertThat(http.as(TestConfig.token(1)).post("/articles/999999/views", "").status()).isEqualTo(404);
        long articleId = createArticle();
        JsonHttp.Response anonymous = http.post("/articles/" + articleId + "/views", "");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(redis.exists(KEYS.viewCount(articleId))).isFalse();
    }

    private static JsonNode view(JsonHttp client, long articleId, long userId) {
        JsonHttp.Response response = client.as(TestConfig.token(userId)).post("/articles/" + articleId + "/views", "");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private static long createArticle() {
        return http.as(TestConfig.token(1)).post("/articles", toJson(Map.of("boardId", 1, "title", "t", "content", "c")))
                .json().get("articleId").asLong();
    }

    /** The backed-up count, or -1 when there is no backup row. */
    private static long backup(long articleId) throws Exception {
        try (Connection connection = database.connectAsRoot(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT view_count FROM article_view_count WHERE article_id = " + articleId)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    private static void sql(String statement) throws Exception {
        try (Connection connection = database.connectAsRoot(); Statement s = connection.createStatement()) {
            s.execute(statement);
        }
    }
}
