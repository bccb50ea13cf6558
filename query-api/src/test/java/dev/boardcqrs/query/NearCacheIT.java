package dev.boardcqrs.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.common.board.ArticleModel;
import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.catalog.CatalogKeys;
import dev.boardcqrs.common.consistency.ReadYourWrites;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.view.ViewKeys;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.embedded.EmbeddedRedis;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.PrometheusText;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.query.nearcache.InvalidationListener;
import dev.boardcqrs.query.readthrough.QueryDatabase;
import dev.boardcqrs.query.readthrough.SqlArticleSource;
import io.javalin.Javalin;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * query-api's near caches (articles, the catalog tree) against a Redis of its own (the tests flush it and cut
 * connections): repeated reads skip Redis, and every kind of change Redis can make to what a read answers shows
 * up right after it.
 */
class NearCacheIT {
    private static final KeyScheme NAMESPACE = new KeyScheme("near");
    private static final KeyScheme G1 = NAMESPACE.inGeneration("g1");
    private static final BoardKeys BOARD = BoardKeys.in(G1);
    private static final CatalogKeys CATALOG = CatalogKeys.in(G1);
    // far above any article the shared database holds, so SQL knows none of them
    private static final AtomicLong IDS = new AtomicLong(9_000_000);
    private static final Duration SOON = Duration.ofSeconds(3);

    private static EmbeddedRedis redisServer;
    private static RedisClient redis;
    private static HikariDataSource database;
    private static TestQueryApp app;
    private static JsonHttp http;

    @BeforeAll
    static void start() {
        redisServer = EmbeddedRedis.start();
        redis = RedisClient.create(URI.create(redisServer.url()));
        app = TestQueryApp.start(redis, Map.of("REDIS_URL", redisServer.url(), "REDIS_NAMESPACE", NAMESPACE.namespace(),
                "QUERY_NEAR_CACHE_MB", "16", "VIEW_COUNT_CACHE_TTL", "200ms", "READ_AFTER_TIMEOUT", "10s"));
        database = app.database();
        http = app.http();
    }

    @AfterAll
    static void stop() {
        app.close();
        redis.close();
        redisServer.close();
    }

    @BeforeEach
    void activeGenerationAndCacheServing() {
        redis.set(NAMESPACE.active(), G1.generation());
        awaitServing();
    }

    @Test
    void shouldAnswerARepeatedReadWithoutGoingToRedis() {
        long id = storeModel(G1, "title", 3);
        assertThat(commentCount(id)).isEqualTo(3);
        awaitKept(() -> commentCount(id), "evalsha", "eval");
        long scriptCalls = scriptCalls();
        double hits = metric("query_nearcache_hits_total");

        assertThat(commentCount(id)).isEqualTo(3);

        assertThat(scriptCalls()).as("Redis scripts run for the second read").isEqualTo(scriptCalls);
        assertThat(metric("query_nearcache_hits_total")).isEqualTo(hits + 1);
    }

    @Test
    void shouldAnswerAChangedModelRightAfterRedisHoldsIt() {
        long id = storeModel(G1, "title", 3);
        assertThat(commentCount(id)).isEqualTo(3);

        redis.hincrBy(BOARD.article(id), ArticleModel.COMMENT_COUNT, 1); // as the projector does for a new comment

        await().atMost(SOON).untilAsserted(() -> assertThat(commentCount(id)).isEqualTo(4));
    }

    @Test
    void shouldAnswerANewViewCountWithinTheViewCountTtlAndKeepTheModelMeanwhile() {
        long id = storeModel(G1, "title", 0);
        assertThat(article(id).get("viewCount").asLong()).isZero();
        awaitKept(() -> article(id), "hgetall");
        long modelReads = commandCalls("hgetall");

        redis.incr(new ViewKeys(NAMESPACE).viewCount(id)); // as command-api does for a view

        await().atMost(SOON).untilAsserted(() -> assertThat(article(id).get("viewCount").asLong()).isEqualTo(1));
        assertThat(commandCalls("hgetall")).as("model reads: views change far more often than articles")
                .isEqualTo(modelReads);
    }

    @Test
    void shouldAnswerFromTheNewGenerationOnceTheActivePointerSwitches() {
        KeyScheme g2 = NAMESPACE.inGeneration("g2");
        long id = storeModel(G1, "before the rebuild", 3);
        assertThat(article(id).get("title").asText()).isEqualTo("before the rebuild");
        storeModel(g2, id, "after the rebuild", 3);

        redis.set(NAMESPACE.active(), g2.generation());

        await().atMost(SOON).untilAsserted(() -> assertThat(article(id).get("title").asText())
                .isEqualTo("after the rebuild"));
    }

    @Test
    void shouldForgetEverythingWhenRedisIsFlushed() {
        long id = storeModel(G1, "title", 3);
        assertThat(http.get("/articles/" + id).status()).isEqualTo(200);

        redis.flushAll(); // no models at all: SQL answers, and it does not know the article

        await().atMost(SOON).untilAsserted(() -> assertThat(http.get("/articles/" + id).status()).isEqualTo(404));
    }

    @Test
    void shouldStopServingWhileTheInvalidationConnectionIsCutAndServeAgainOnceItIsBack() {
        long id = storeModel(G1, "title", 3);
        assertThat(commentCount(id)).isEqualTo(3);

        killInvalidationConnection();
        redis.hincrBy(BOARD.article(id), ArticleModel.COMMENT_COUNT, 1); // nobody is told about this one

        await().atMost(SOON).untilAsserted(() -> assertThat(commentCount(id)).isEqualTo(4));
        awaitServing();
        assertThat(commentCount(id)).isEqualTo(4);
        double hits = metric("query_nearcache_hits_total");
        assertThat(commentCount(id)).isEqualTo(4);
        assertThat(metric("query_nearcache_hits_total")).as("kept again after reconnecting").isEqualTo(hits + 1);
    }

    @Test
    void shouldReadEverythingFromRedisWhenRedisRefusesClientTracking() {
        // an operator's ACL without CLIENT: the data commands work, the near cache cannot
        redis.sendCommand(Protocol.Command.ACL, "SETUSER", "no-tracking", "on", ">secret", "~*", "&*", "+@all",
                "-client");
        long id = storeModel(G1, "title", 3);
        try (RedisClient restricted = userClient("no-tracking")) {
            Javalin refused = startedOn(restricted);
            try {
                JsonHttp refusedHttp = TestQueryApp.http(refused);
                await().atMost(SOON).untilAsserted(() -> assertThat(refusedHttp.get("/health").json().get("nearCache")
                        .asText()).startsWith("off: Redis refused client tracking").contains("NOPERM"));
                assertThat(refusedHttp.get("/articles/" + id).json().get("commentCount").asLong()).isEqualTo(3);
                redis.hincrBy(BOARD.article(id), ArticleModel.COMMENT_COUNT, 1);
                assertThat(refusedHttp.get("/articles/" + id).json().get("commentCount").asLong()).isEqualTo(4);
            } finally {
                refused.stop();
            }
        }
    }

    @Test
    void shouldServeFromTheNearCacheWhenAnAclAllowsOnlyTheReportsChannel() {
        // an operator's ACL written before query-api subscribed to the projector's applied channel
        redis.sendCommand(Protocol.Command.ACL, "SETUSER", "reports-only", "on", ">secret", "~*", "resetchannels",
                "&__redis__:invalidate", "+@all");
        long id = storeModel(G1, "title", 3);
        try (RedisClient restricted = userClient("reports-only")) {
            Javalin app = startedOn(restricted);
            try {
                JsonHttp restrictedHttp = TestQueryApp.http(app);
                await().atMost(SOON).untilAsserted(() -> assertThat(restrictedHttp.get("/health").json()
                        .get("nearCache").asText()).isEqualTo("serving"));
                assertThat(restrictedHttp.get("/articles/" + id).json().get("commentCount").asLong()).isEqualTo(3);
                redis.hincrBy(BOARD.article(id), ArticleModel.COMMENT_COUNT, 1);
                await().atMost(SOON).untilAsserted(() -> assertThat(restrictedHttp.get("/articles/" + id).json()
                        .get("commentCount").asLong()).isEqualTo(4));
            } finally {
                app.stop();
            }
        }
    }

    @Test
    void shouldNeverAnswerAnOlderCountThanOneAReaderAlreadySaw() throws Exception {
        long id = storeModel(G1, "title", 0);
        int increments = 500;
        AtomicBoolean writing = new AtomicBoolean(true);
        List<CompletableFuture<List<String>>> readers = new ArrayList<>();
        for (int reader = 0; reader < 6; reader++) {
            readers.add(CompletableFuture.supplyAsync(() -> {
                List<String> wentBack = new ArrayList<>();
                long seen = 0;
                while (writing.get() || seen < increments) {
                    long count = commentCount(id);
                    if (count < seen) {
                        wentBack.add(seen + " then " + count);
                    }
                    seen = Math.max(seen, count);
                }
                return wentBack;
            }));
        }
        for (int i = 0; i < increments; i++) {
            redis.hincrBy(BOARD.article(id), ArticleModel.COMMENT_COUNT, 1);
        }
        writing.set(false);

        for (CompletableFuture<List<String>> reader : readers) {
            // each reader also stops only once it saw the last count: a value kept for good would hang it
            assertThat(reader.get(30, TimeUnit.SECONDS)).as("counts that went back").isEmpty();
        }
    }

    @Test
    void shouldKeepTheCatalogTreeUntilRedisReportsAChangeToAKeyItIsReadFrom() {
        redis.hset(CATALOG.catalog(1), Map.of("parent", "", "linked", "1", "name", "Books", "order", "1", "sellable", "3"));
        redis.zadd(CATALOG.catalogRoots(), 1, "1");
        assertThat(rootNames()).containsExactly("Books");
        awaitKept(NearCacheIT::rootNames, "hmget");
        long catalogReads = hashReads();

        assertThat(rootNames()).containsExactly("Books");
        assertThat(hashReads()).as("catalog hashes read for the second tree").isEqualTo(catalogReads);

        redis.zadd(CATALOG.catalogProducts(1), 1, "7"); // a product list: not part of the tree
        assertThat(rootNames()).containsExactly("Books");
        assertThat(hashReads()).isEqualTo(catalogReads);

        redis.hset(CATALOG.catalog(1), "name", "Comics"); // as the projector does for a renamed catalog
        await().atMost(SOON).untilAsserted(() -> assertThat(rootNames()).containsExactly("Comics"));
    }

    @Test
    void shouldKeepABoardPageUntilRedisReportsAChangeToTheBoardsListOrCount() {
        long board = IDS.incrementAndGet();
        long first = storeModel(G1, "first", 0);
        addToBoard(board, first, 1);
        assertThat(pageTitles(board)).containsExactly("first");
        awaitKept(() -> pageTitles(board), "zcard");
        long listReads = commandCalls("zcard");

        assertThat(pageTitles(board)).containsExactly("first");
        assertThat(commandCalls("zcard")).as("board lists read for the second page").isEqualTo(listReads);

        long second = storeModel(G1, "second", 0);
        addToBoard(board, second, 2); // as the projector does for a new article
        await().atMost(SOON).untilAsserted(() -> assertThat(pageTitles(board)).containsExactly("second", "first"));

        redis.hset(BOARD.board(board), "count", "3"); // the count alone: an older article is in SQL only
        await().atMost(SOON).untilAsserted(() -> assertThat(page(board).get("articleCount").asLong()).isEqualTo(3));
    }

    private static void addToBoard(long board, long article, long count) {
        redis.zadd(BOARD.boardArticles(board), article, Long.toString(article));
        redis.hset(BOARD.board(board), "count", Long.toString(count));
    }

    private static List<String> pageTitles(long board) {
        List<String> titles = new ArrayList<>();
        page(board).get("articles").forEach(article -> titles.add(article.get("title").asText()));
        return titles;
    }

    private static JsonNode page(long board) {
        JsonHttp.Response response = http.get("/boards/" + board + "/articles?page=1&pageSize=10");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private static List<String> rootNames() {
        JsonHttp.Response response = http.get("/catalogs/tree");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        response.json().get("catalogs").forEach(root -> names.add(root.get("name").asText()));
        return names;
    }

    private static long hashReads() {
        return commandCalls("hmget");
    }

    private static void awaitServing() {
        await().atMost(SOON).untilAsserted(() -> assertThat(http.get("/health").json().get("nearCache").asText())
                .isEqualTo("serving"));
    }

    private static void killInvalidationConnection() {
        String clients = new String((byte[]) redis.sendCommand(Protocol.Command.CLIENT, "LIST"), StandardCharsets.UTF_8);
        String line = clients.lines().filter(client -> client.contains("name=" + InvalidationListener.CLIENT_NAME))
                .findFirst().orElseThrow(() -> new AssertionError("no invalidation connection in " + clients));
        String id = line.replaceAll("^id=(\\d+) .*$", "$1");
        redis.sendCommand(Protocol.Command.CLIENT, "KILL", "ID", id);
    }

    @Test
    void shouldEndATokenReadsWaitWhenTheProjectorPublishesThatItGotThere() throws Exception {
        long id = storeModel(G1, "written", 3);
        redis.hset(G1.meta(), KeyScheme.APPLIED_GTIDS, "0-1-5");

        // Redis' meta never gets to 0-1-6, so only a message can end the wait before the timeout (10 s here), which
        // would send the read to SQL, which does not know the article (404)
        CompletableFuture<JsonHttp.Response> read = CompletableFuture.supplyAsync(() -> http.send("GET",
                "/articles/" + id, null, ReadYourWrites.TOKEN_HEADER, "0-1-6"));
        await().during(Duration.ofMillis(200)).atMost(SOON).until(() -> !read.isDone());
        // again until it is answered: the read may reach query-api after a first message
        await().atMost(SOON).until(() -> {
            redis.publish(NAMESPACE.appliedChannel(), "0-1-6");
            return read.isDone();
        });

        JsonHttp.Response answer = read.get();
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("title").asText()).isEqualTo("written");
        assertThat(answer.header(ReadYourWrites.SERVED_FROM_HEADER)).isNull();
    }

    /** A client of the test's Redis as {@code user} (password "secret"), for an ACL a test set up. */
    private static RedisClient userClient(String user) {
        return RedisClient.create(URI.create("redis://" + user + ":secret@127.0.0.1:" + redisServer.port()));
    }

    /** A second query-api, on {@code client}, started; near cache on by default. */
    private static Javalin startedOn(RedisClient client) {
        return QueryApp.create(QueryApiConfig.fromEnv(new Env(Map.of("QUERY_API_PORT", "0",
                "REDIS_NAMESPACE", NAMESPACE.namespace(), "QUERY_DATABASE_URL", SharedServers.database().jdbcUrl()))),
                client, new SqlArticleSource(database, Duration.ofSeconds(2))).start();
    }

    private static long storeModel(KeyScheme generation, String title, long comments) {
        return storeModel(generation, IDS.incrementAndGet(), title, comments);
    }

    private static long storeModel(KeyScheme generation, long id, String title, long comments) {
        String created = "2026-11-24T10:00:00.000"; // as the projector writes it: with milliseconds
        redis.hset(BoardKeys.in(generation).article(id), ArticleModel.rowFields(id, 1, 1, title, "content", created, created));
        redis.hset(BoardKeys.in(generation).article(id), ArticleModel.COMMENT_COUNT, Long.toString(comments));
        return id;
    }

    private static long commentCount(long id) {
        return article(id).get("commentCount").asLong();
    }

    private static JsonNode article(long id) {
        JsonHttp.Response response = http.get("/articles/" + id);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    /**
     * Waits until {@code read} runs none of {@code commands} in Redis: Redis reports the writes that set a test up
     * asynchronously, and a report that arrives after a first read drops what that read kept.
     */
    private static void awaitKept(Runnable read, String... commands) {
        await().atMost(SOON).untilAsserted(() -> {
            long before = commandCalls(commands);
            read.run();
            assertThat(commandCalls(commands)).as("Redis reads of a repeated read").isEqualTo(before);
        });
    }

    private static long scriptCalls() {
        return commandCalls("evalsha", "eval");
    }

    /** How often Redis ran these commands so far, also from scripts (INFO commandstats). */
    private static long commandCalls(String... commands) {
        List<String> prefixes = Arrays.stream(commands).map(command -> "cmdstat_" + command + ":").toList();
        return redis.info("commandstats").lines().filter(line -> prefixes.stream().anyMatch(line::startsWith))
                // "calls=", not the greedy last match, which is "failed_calls=" (0, so no count ever moved)
                .mapToLong(line -> Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*$", "$1"))).sum();
    }

    private static double metric(String name) {
        return PrometheusText.sum(http.get("/metrics").body(), name, Map.of());
    }
}
