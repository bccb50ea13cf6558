package dev.boardcqrs.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.consistency.ReadYourWrites;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.view.ViewKeys;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.EmbeddedRedis;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.JsonHttp.Response;
import dev.boardcqrs.embedded.PrometheusText;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.query.catalog.CatalogSource;
import dev.boardcqrs.query.catalog.SqlCatalogSource;
import dev.boardcqrs.query.readthrough.ArticleSource;
import dev.boardcqrs.query.readthrough.QueryDatabase;
import dev.boardcqrs.query.readthrough.SqlArticleSource;
import io.javalin.Javalin;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * Redis dies under concurrent readers of articles, board pages, infinite scroll and a writer's list: query-api keeps
 * answering from the database with the database's values, never runs more database reads at once than
 * READ_THROUGH_CONCURRENCY (counted at the source, below the guard that should bound them), and returns to Redis
 * once it is back. Its Redis is its own (the tests kill it); the database is the shared one.
 */
class RedisDownIT {
    private static final Logger log = LoggerFactory.getLogger(RedisDownIT.class);
    private static final KeyScheme NAMESPACE = new KeyScheme("down");
    private static final ViewKeys VIEWS = new ViewKeys(NAMESPACE);
    private static final long BOARD = 2101;
    private static final long WRITER = 2102;
    private static final int ARTICLES = 30;
    private static final int PAGE_SIZE = 10;
    private static final int CONCURRENCY = 2;
    private static final int READERS = 8;
    private static final Duration DOWN_FOR = Duration.ofSeconds(4);
    /** Reads made while Redis is down, at least, so that the shares checked of them mean something. */
    private static final int DOWN_READS = 100;
    private static final Duration VIEW_TTL = Duration.ofMillis(200);

    private static EmbeddedDatabase db;
    private static EmbeddedRedis redisServer;
    private static RedisClient redis;
    private static HikariDataSource pool;
    private static MeasuredSource articles;
    private static CountedCatalogs catalogs;
    private static Javalin app;
    private static JsonHttp http;
    /** Newest first, as the database holds them: the truth every answer is held to. */
    private static List<Expected> truth;

    private record Expected(long articleId, String title, long commentCount, long likeCount, long viewCount) {
    }

    /** One answer: when its request started, and what was wrong with it (null when it was right). */
    private record Outcome(String phase, int status, boolean fromDatabase, String wrong) {
    }

    @BeforeAll
    static void start() throws Exception {
        db = SharedServers.database();
        truth = seed();
        redisServer = EmbeddedRedis.start();
        redis = RedisClient.create(URI.create(redisServer.url()));
        Map<String, String> variables = new HashMap<>(Map.of("QUERY_API_PORT", "0",
                "REDIS_URL", redisServer.url(), "REDIS_NAMESPACE", NAMESPACE.namespace(),
                "QUERY_DATABASE_URL", db.jdbcUrl(), "QUERY_NEAR_CACHE_MB", "16",
                "READ_THROUGH_CONCURRENCY", Integer.toString(CONCURRENCY), "READ_THROUGH_WAITING", "32",
                "REDIS_BREAKER_OPEN_FOR", "500ms", "CATALOG_FALLBACK_TTL", "10s"));
        variables.put("VIEW_COUNT_CACHE_TTL", VIEW_TTL.toMillis() + "ms");
        QueryApiConfig config = QueryApiConfig.fromEnv(new Env(variables));
        pool = QueryDatabase.pool(config);
        articles = new MeasuredSource(new SqlArticleSource(pool, config.readThroughTimeout()));
        catalogs = new CountedCatalogs(new SqlCatalogSource(pool, config.readThroughTimeout()));
        app = QueryApp.create(config, redis, articles, catalogs).start();
        http = new JsonHttp("http://127.0.0.1:" + app.port());
    }

    @AfterAll
    static void stop() {
        app.stop();
        redis.close();
        pool.close();
        redisServer.close();
    }

    @BeforeEach
    void redisServing() {
        // as the projector does once it has built the models, and command-api's counters (it resumes a lost one from
        // its backup at the next view); a restarted Redis has none of them, so they are set again
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            redis.set(NAMESPACE.active(), "g1");
            for (Expected article : truth) {
                redis.set(VIEWS.viewCount(article.articleId()), Long.toString(article.viewCount()));
            }
        });
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(http.get("/health").json().get("redisBreaker").asText()).isEqualTo("CLOSED"));
    }

    @Test
    void shouldAnswerReadersFromTheDatabaseWithinItsBoundWhileRedisIsDownAndFromRedisOnceItIsBack()
            throws Exception {
        Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicReference<String> phase = new AtomicReference<>("up");
        ExecutorService readers = Executors.newFixedThreadPool(READERS);
        CountDownLatch stop = new CountDownLatch(1);
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            Random random = new Random(r);
            running.add(CompletableFuture.runAsync(() -> {
                while (stop.getCount() > 0) {
                    String during = phase.get();
                    try {
                        outcomes.add(readAndCheck(random, during));
                    } catch (RuntimeException e) { // an answer of the wrong shape, or none at all
                        outcomes.add(new Outcome(during, -1, false, e.toString()));
                    }
                }
            }, readers));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> outcomes.size() > 200);

        redisServer.kill();
        phase.set("down");
        long killed = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode health = http.get("/health").json();
            assertThat(health.get("status").asText()).isEqualTo("DEGRADED");
            assertThat(health.get("redisBreaker").asText()).isIn("OPEN", "HALF_OPEN");
        });
        // down for DOWN_FOR, and long enough for the reads the checks below need on a slow or busy machine
        await().atMost(Duration.ofSeconds(60)).until(() -> System.nanoTime() - killed >= DOWN_FOR.toNanos()
                && outcomes.stream().filter(outcome -> outcome.phase().equals("down")).count() > DOWN_READS);
        // a Redis that lost its data answers 0 views until command-api resumes each counter from its backup (see
        // README, View counts): until the counters are back and the kept counts' TTL has passed, views are not held
        // to the truth
        phase.set("returning");
        redisServer.startAgain();
        redisServing();
        long restored = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() - restored >= VIEW_TTL.toNanos() * 2);
        phase.set("back");
        long afterReturn = outcomes.size();
        await().atMost(Duration.ofSeconds(20)).until(() -> outcomes.size() > afterReturn + 200);
        stop.countDown();
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        readers.shutdown();

        List<Outcome> all = List.copyOf(outcomes);
        List<Outcome> down = all.stream().filter(outcome -> outcome.phase().equals("down")).toList();
        log.info("while Redis was down: {} reads, {} answered 200, {} by the database; database reads at once: at most {} "
                        + "(bound {})", down.size(), down.stream().filter(outcome -> outcome.status() == 200).count(),
                down.stream().filter(Outcome::fromDatabase).count(), articles.mostAtOnce(), CONCURRENCY);
        assertThat(all.stream().map(Outcome::wrong).filter(wrong -> wrong != null).limit(5))
                .as("answers that differ from the database").isEmpty();
        assertThat(down).hasSizeGreaterThan(DOWN_READS);
        long answered = down.stream().filter(outcome -> outcome.status() == 200).count();
        assertThat((double) answered / down.size()).as("share of reads answered 200 while Redis was down: "
                + answered + " of " + down.size()).isGreaterThanOrEqualTo(0.95);
        assertThat(down.stream().filter(Outcome::fromDatabase).count()).as("answers the database gave")
                .isGreaterThan(down.size() / 2);
        assertThat(articles.mostAtOnce()).as("database reads at once, counted at the source")
                .isBetween(1, CONCURRENCY);
        assertThat(metric("query_database_reads_most")).isLessThanOrEqualTo(CONCURRENCY);
        assertThat(metric("query_database_fallbacks_total")).isGreaterThan(0);

        // back on Redis: the answer carries no mark, and the second read of an article is a hit
        long id = truth.get(0).articleId();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(http.get("/articles/" + id).header(ReadYourWrites.SERVED_FROM_HEADER)).isNull());
        double hits = metric("query_model_hits_total");
        Response again = http.get("/articles/" + id);
        assertThat(again.header(ReadYourWrites.SERVED_FROM_HEADER)).isNull();
        assertThat(wrongArticle(again.json(), truth.get(0), true)).isNull();
        assertThat(metric("query_model_hits_total")).isEqualTo(hits + 1);
        assertThat(http.get("/health").json().get("status").asText()).isEqualTo("UP");
    }

    @Test
    void shouldBuildTheCatalogTreeFromTheDatabaseOnceForConcurrentReadersWhileRedisIsDown() throws Exception {
        long root = db.insert("INSERT INTO catalog (parent_id, name, display_order) VALUES (NULL, 'down-root', 0)");
        long leaf = db.insert("INSERT INTO catalog (parent_id, name, display_order) VALUES (?, 'down-leaf', 3)", root);
        long bare = db.insert("INSERT INTO catalog (parent_id, name, display_order) VALUES (NULL, 'down-bare', 1)");
        db.execute("INSERT INTO product (catalog_id, name, price, status) VALUES (?, 'a', 100, 'ON_SALE'), "
                + "(?, 'b', 200, 'ON_SALE'), (?, 'c', 300, 'HIDDEN')", leaf, leaf, leaf);
        db.execute("INSERT INTO product (catalog_id, name, price, status) VALUES (?, 'd', 100, 'SOLD_OUT')", bare);
        redisServer.kill();
        try {
            int builds = catalogs.reads.get();
            ExecutorService readers = Executors.newFixedThreadPool(20);
            List<CompletableFuture<Response>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> http.get("/catalogs/tree"), readers));
            }
            for (CompletableFuture<Response> answer : answers) {
                Response tree = answer.get(30, TimeUnit.SECONDS);
                assertThat(tree.status()).isEqualTo(200);
                assertThat(tree.header(ReadYourWrites.SERVED_FROM_HEADER)).isEqualTo(ReadYourWrites.FROM_DATABASE);
                JsonNode shown = node(tree.json().get("catalogs"), root);
                assertThat(shown.get("sellableCount").asLong()).isEqualTo(2);
                assertThat(node(shown.get("children"), leaf).get("sellableCount").asLong()).isEqualTo(2);
                assertThat(node(tree.json().get("catalogs"), bare)).as("a catalog with nothing on sale").isNull();
            }
            readers.shutdown();
            assertThat(catalogs.reads.get() - builds).as("SQL builds of the tree for 20 concurrent readers")
                    .isEqualTo(1);
        } finally {
            redisServer.startAgain();
        }
    }

    private static JsonNode node(JsonNode nodes, long catalogId) {
        for (JsonNode node : nodes) {
            if (node.get("catalogId").asLong() == catalogId) {
                return node;
            }
        }
        return null;
    }

    /** One random read of the four kinds, and what is wrong with its answer when it is 200. */
    private static Outcome readAndCheck(Random random, String phase) {
        boolean views = !phase.equals("returning");
        int kind = random.nextInt(4);
        int at = random.nextInt(truth.size());
        Response response;
        Supplier<String> wrong;
        switch (kind) {
            case 0 -> {
                response = http.get("/articles/" + truth.get(at).articleId());
                wrong = () -> wrongArticle(response.json(), truth.get(at), views);
            }
            case 1 -> {
                int page = 1 + random.nextInt(ARTICLES / PAGE_SIZE);
                response = http.get("/boards/" + BOARD + "/articles?page=" + page + "&pageSize=" + PAGE_SIZE);
                wrong = () -> wrongList(response.json(), (page - 1) * PAGE_SIZE, ARTICLES, views);
            }
            case 2 -> {
                response = http.get("/boards/" + BOARD + "/articles/infinite-scroll?pageSize=" + PAGE_SIZE
                        + "&lastArticleId=" + truth.get(at).articleId());
                wrong = () -> wrongList(response.json(), at + 1, -1, views);
            }
            default -> {
                response = http.get("/users/" + WRITER + "/articles?pageSize=" + PAGE_SIZE);
                wrong = () -> wrongList(response.json(), 0, ARTICLES, views);
            }
        }
        return new Outcome(phase, response.status(), ReadYourWrites.FROM_DATABASE.equals(response.header(ReadYourWrites.SERVED_FROM_HEADER)),
                response.status() == 200 ? wrong.get() : null);
    }

    private static String wrongList(JsonNode answer, int from, long count, boolean views) {
        List<Expected> expected = truth.subList(Math.min(from, truth.size()), Math.min(from + PAGE_SIZE, truth.size()));
        JsonNode shown = answer.get("articles");
        if (shown.size() != expected.size()) {
            return "expected " + expected.size() + " articles from " + from + " but got " + answer;
        }
        for (int i = 0; i < expected.size(); i++) {
            String wrong = wrongArticle(shown.get(i), expected.get(i), views);
            if (wrong != null) {
                return wrong;
            }
        }
        if (count >= 0 && answer.get("articleCount").asLong() != count) {
            return "expected articleCount " + count + " but got " + answer.get("articleCount");
        }
        return null;
    }

    private static String wrongArticle(JsonNode shown, Expected expected, boolean views) {
        Map<String, Object> got = new LinkedHashMap<>();
        got.put("articleId", shown.get("articleId").asLong());
        got.put("title", shown.get("title").asText());
        got.put("commentCount", shown.get("commentCount").asLong());
        got.put("likeCount", shown.get("likeCount").asLong());
        got.put("viewCount", views ? shown.get("viewCount").asLong() : expected.viewCount());
        Map<String, Object> want = Map.of("articleId", expected.articleId(), "title", expected.title(),
                "commentCount", expected.commentCount(), "likeCount", expected.likeCount(),
                "viewCount", expected.viewCount());
        return got.equals(want) ? null : "expected " + expected + " but got " + shown;
    }

    /** Articles of one board and writer with comments, likes and backed-up view counts; the truth, newest first. */
    private static List<Expected> seed() throws Exception {
        List<Expected> seeded = new ArrayList<>();
        for (int i = 1; i <= ARTICLES; i++) {
            long id = db.insert("INSERT INTO article (board_id, writer_id, title, content) VALUES (?, ?, ?, 'c')",
                    BOARD, WRITER, "down " + i);
            for (int c = 0; c < i % 4; c++) {
                db.execute("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 5, 'x')", id);
            }
            for (int l = 0; l < i % 3; l++) {
                db.execute("INSERT INTO article_like (article_id, user_id) VALUES (?, ?)", id, 100 + l);
            }
            long views = i % 5 == 0 ? 10L * i : 0;
            if (views > 0) {
                db.execute("INSERT INTO article_view_count (article_id, view_count) VALUES (?, ?)", id, views);
            }
            seeded.add(0, new Expected(id, "down " + i, i % 4, i % 3, views));
        }
        return seeded;
    }

    private static double metric(String name) {
        return PrometheusText.sum(http.get("/metrics").body(), name, Map.of());
    }

    /** The real source, counting how many of its reads run at once: what the database sees of query-api. */
    private static final class MeasuredSource implements ArticleSource {
        private final ArticleSource real;
        private final AtomicInteger running = new AtomicInteger();
        private final AtomicInteger most = new AtomicInteger();

        MeasuredSource(ArticleSource real) {
            this.real = real;
        }

        int mostAtOnce() {
            return most.get();
        }

        private <T> T measured(Supplier<T> read) {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                return read.get();
            } finally {
                running.decrementAndGet();
            }
        }

        @Override
        public Snapshot articles(Collection<Long> articleIds) {
            return measured(() -> real.articles(articleIds));
        }

        @Override
        public List<Long> articleIds(String column, long owner, long belowId, long offset, int limit) {
            return measured(() -> real.articleIds(column, owner, belowId, offset, limit));
        }

        @Override
        public long articleCount(String column, long owner) {
            return measured(() -> real.articleCount(column, owner));
        }

        @Override
        public Map<Long, Long> backedUpViewCounts(Collection<Long> articleIds) {
            return measured(() -> real.backedUpViewCounts(articleIds));
        }
    }

    private static final class CountedCatalogs implements CatalogSource {
        private final CatalogSource real;
        private final AtomicInteger reads = new AtomicInteger();

        CountedCatalogs(CatalogSource real) {
            this.real = real;
        }

        @Override
        public Rows rows() {
            reads.incrementAndGet();
            return real.rows();
        }
    }
}
