package dev.boardcqrs.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.boardcqrs.common.board.ArticleModel;
import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.view.ViewKeys;
import dev.boardcqrs.common.writer.WriterKeys;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.embedded.EmbeddedRedis;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.query.readthrough.QueryDatabase;
import dev.boardcqrs.query.readthrough.SqlArticleSource;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import dev.boardcqrs.embedded.FreePort;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.JsonHttp.Response;
import io.javalin.Javalin;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.RedisClient;

/** query-api over a real Redis holding models in the documented key scheme. */
class QueryApiIT {
    // models the projector would have written into generation g1 of namespace "q"
    private static final KeyScheme KEYS = new KeyScheme("q").inGeneration("g1");
    private static final BoardKeys BOARD_KEYS = BoardKeys.in(KEYS);
    private static final ViewKeys VIEWS = new ViewKeys(KEYS.namespace());
    private static final WriterKeys WRITERS = WriterKeys.in(KEYS);
    /** Wrote the articles of board 3; its list holds all of them. */
    private static final long WRITER = 1;
    private static final long BOARD = 3;

    private static EmbeddedRedis redisServer;
    private static RedisClient redis;
    private static HikariDataSource database;
    private static TestQueryApp app;
    private static JsonHttp http;

    @BeforeAll
    static void start() {
        redisServer = SharedServers.redis();
        redis = RedisClient.create(URI.create(redisServer.url()));
        redis.set(KEYS.active(), KEYS.generation());
        for (long id = 1; id <= 25; id++) {
            storeModel(id, BOARD, id % 4, id % 3);
        }
        storeModel(100, 99, 0, 0);
        redis.hset(BOARD_KEYS.board(BOARD), "count", "25");
        redis.hset(BOARD_KEYS.board(99), "count", "1");
        redis.hset(WRITERS.writer(WRITER), "count", "25");
        for (long id = 1; id <= 25; id++) {
            redis.zadd(WRITERS.writerArticles(WRITER), id, Long.toString(id));
        }
        redis.set(VIEWS.viewCount(7), "42");
        redis.set(VIEWS.viewCount(25), "3");
        app = TestQueryApp.start(redis, Map.of("REDIS_NAMESPACE", "q"));
        database = app.database();
        http = app.http();
    }

    @AfterAll
    static void stop() {
        app.close();
        redis.close();
    }

    @Test
    void shouldServeAnArticleWithItsCounts() {
        Response response = http.get("/articles/7");

        assertThat(response.status()).isEqualTo(200);
        JsonNode article = response.json();
        assertThat(article.get("articleId").asLong()).isEqualTo(7);
        assertThat(article.get("boardId").asLong()).isEqualTo(BOARD);
        assertThat(article.get("title").asText()).isEqualTo("title 7");
        assertThat(article.get("createdAt").asText()).isEqualTo("2026-11-24T10:00:00.007");
        assertThat(article.get("commentCount").asLong()).isEqualTo(3);
        assertThat(article.get("likeCount").asLong()).isEqualTo(1);
        assertThat(article.get("viewCount").asLong()).isEqualTo(42);
    }

    @Test
    void shouldAnswer404JsonForAnArticleWithoutModel() {
        Response response = http.get("/articles/4242");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("error").asText()).isEqualTo("article 4242 does not exist");
    }

    @Test
    void shouldPageABoardNewestFirstWithItsArticleCount() {
        JsonNode first = http.get("/boards/" + BOARD + "/articles?page=1&pageSize=10").json();
        JsonNode third = http.get("/boards/" + BOARD + "/articles?page=3&pageSize=10").json();

        assertThat(ids(first)).containsExactly(25L, 24L, 23L, 22L, 21L, 20L, 19L, 18L, 17L, 16L);
        assertThat(first.get("articles").get(0).get("viewCount").asLong()).isEqualTo(3);
        assertThat(first.get("articles").get(1).get("viewCount").asLong()).isZero();
        assertThat(first.get("articleCount").asLong()).isEqualTo(25);
        assertThat(ids(third)).containsExactly(5L, 4L, 3L, 2L, 1L);
        assertThat(http.get("/boards/" + BOARD + "/articles").json().get("articles")).hasSize(20);
    }

    @Test
    void shouldScrollBelowTheLastSeenArticle() {
        JsonNode start = http.get("/boards/" + BOARD + "/articles/infinite-scroll?pageSize=3").json();
        JsonNode next = http.get("/boards/" + BOARD + "/articles/infinite-scroll?pageSize=3&lastArticleId=23").json();
        JsonNode end = http.get("/boards/" + BOARD + "/articles/infinite-scroll?pageSize=3&lastArticleId=2").json();

        assertThat(ids(start)).containsExactly(25L, 24L, 23L);
        assertThat(ids(next)).containsExactly(22L, 21L, 20L);
        assertThat(ids(end)).containsExactly(1L);
    }

    @Test
    void shouldPageAWritersArticlesNewestFirstWithTheSameFieldsAsAnArticle() {
        JsonNode first = http.get("/users/" + WRITER + "/articles?pageSize=3").json();
        JsonNode next = http.get("/users/" + WRITER + "/articles?pageSize=3&lastArticleId=23").json();

        assertThat(ids(first)).containsExactly(25L, 24L, 23L);
        assertThat(first.get("articleCount").asLong()).isEqualTo(25);
        assertThat(first.get("articles").get(0)).isEqualTo(http.get("/articles/25").json());
        assertThat(ids(next)).containsExactly(22L, 21L, 20L);
        assertThat(http.get("/users/" + WRITER + "/articles").json().get("articles")).hasSize(20);
    }

    @Test
    void shouldAnswerAnEmptyListForAWriterWithoutArticles() {
        JsonNode none = http.get("/users/4711/articles").json();

        assertThat(none.get("articles")).isEmpty();
        assertThat(none.get("articleCount").asLong()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/users/0/articles", "/users/x/articles", "/users/1/articles?pageSize=0",
            "/users/1/articles?pageSize=101", "/users/1/articles?lastArticleId=-1", "/users/1/articles?lastArticleId=x"})
    void shouldAnswer400JsonForBadWriterListParameters(String path) {
        Response response = http.get(path);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").asText()).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/boards/3/articles?pageSize=0", "/boards/3/articles?pageSize=101", "/boards/3/articles?pageSize=abc",
            "/boards/3/articles?page=0", "/boards/3/articles?page=-1", "/boards/0/articles", "/boards/x/articles",
            "/boards/3/articles/infinite-scroll?lastArticleId=-5", "/boards/3/articles/infinite-scroll?pageSize=1000",
            "/articles/0", "/articles/abc", "/articles/99999999999999999999"})
    void shouldAnswer400JsonForBadParameters(String path) {
        Response response = http.get(path);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").asText()).isNotBlank();
    }

    @Test
    void shouldAnswer503JsonWhenRedisIsUnreachableAndTheDatabaseFallbackIsOff() {
        QueryApiConfig noFallback = QueryApiConfig.fromEnv(new Env(Map.of("QUERY_API_PORT", "0", "REDIS_NAMESPACE", "q",
                "QUERY_DATABASE_URL", SharedServers.database().jdbcUrl(), "REDIS_DOWN_FALLBACK", "none")));
        try (RedisClient nowhere = RedisClient.create(URI.create("redis://127.0.0.1:" + FreePort.find()))) {
            Javalin broken = QueryApp.create(noFallback, nowhere, source()).start();
            try {
                Response response = TestQueryApp.http(broken).get("/articles/1");
                assertThat(response.status()).isEqualTo(503);
                assertThat(response.json().get("error").asText()).contains("Redis is unavailable");
            } finally {
                broken.stop();
            }
        }
    }

    @Test
    void shouldUseTheCredentialsInTheRedisUrlAndNeverEchoThem() {
        try (EmbeddedRedis secured = EmbeddedRedis.startWithPassword("s3cret-pass")) {
            String url = "redis://:s3cret-pass@127.0.0.1:" + secured.port();
            try (RedisClient authorized = RedisClient.create(URI.create(url));
                 RedisClient unauthorized = RedisClient.create(URI.create(secured.url()))) {
                Javalin withPassword = QueryApp.create(config(), authorized, source()).start();
                Javalin withoutPassword = QueryApp.create(config(), unauthorized, source()).start();
                try {
                    assertThat(TestQueryApp.http(withPassword).get("/articles/1").status())
                            .isEqualTo(404);
                    Response refused = TestQueryApp.http(withoutPassword).get("/articles/1");
                    assertThat(refused.status()).isEqualTo(503);
                    assertThat(refused.body()).doesNotContain("s3cret").doesNotContain("NOAUTH").contains("\"error\"");
                } finally {
                    withPassword.stop();
                    withoutPassword.stop();
                }
            }
        }
        assertThat(QueryApiConfig.fromEnv(new Env(Map.of("REDIS_URL", "redis://app:s3cret-pass@cache:6379"))).toString())
                .doesNotContain("s3cret");
    }

    private static QueryApiConfig config() {
        return QueryApiConfig.fromEnv(new Env(Map.of("QUERY_API_PORT", "0", "REDIS_NAMESPACE", "q",
                "QUERY_DATABASE_URL", SharedServers.database().jdbcUrl())));
    }

    private static SqlArticleSource source() {
        return new SqlArticleSource(database, Duration.ofSeconds(2));
    }

    private static List<Long> ids(JsonNode page) {
        List<Long> ids = new ArrayList<>();
        page.get("articles").forEach(article -> ids.add(article.get("articleId").asLong()));
        return ids;
    }

    private static void storeModel(long id, long boardId, long comments, long likes) {
        String created = String.format("2026-11-24T10:00:00.%03d", id);
        redis.hset(BOARD_KEYS.article(id), ArticleModel.rowFields(id, boardId, 1, "title " + id, "content", created, created));
        redis.hset(BOARD_KEYS.article(id), ArticleModel.COMMENT_COUNT, Long.toString(comments));
        redis.hset(BOARD_KEYS.article(id), ArticleModel.LIKE_COUNT, Long.toString(likes));
        redis.zadd(BOARD_KEYS.boardArticles(boardId), id, Long.toString(id));
    }
}
