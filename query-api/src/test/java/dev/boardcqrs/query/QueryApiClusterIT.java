package dev.boardcqrs.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.boardcqrs.common.board.ArticleModel;
import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.catalog.CatalogKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.RedisClients;
import dev.boardcqrs.common.view.ViewKeys;
import dev.boardcqrs.common.writer.WriterKeys;
import dev.boardcqrs.embedded.EmbeddedRedisCluster;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.PrometheusText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * query-api on a 3-master Redis Cluster: the generation is read outside the scripts, each read goes to the master of
 * its keys' hash tag (a board page's models in one pipeline over the masters), and the near cache is told of changes
 * by every master. The models are written here as the projector writes them, three articles on three masters.
 */
class QueryApiClusterIT {
    private static final KeyScheme NAMESPACE = new KeyScheme("qcluster");
    private static final KeyScheme G1 = NAMESPACE.inGeneration("g1");
    private static final BoardKeys BOARDS = BoardKeys.in(G1);
    private static final long BOARD = 7;
    private static final long WRITER = 3;
    private static final Duration SOON = Duration.ofSeconds(5);

    private static EmbeddedRedisCluster cluster;
    private static UnifiedJedis redis;
    private static TestQueryApp app;
    private static JsonHttp http;
    private static List<Long> articles;

    @BeforeAll
    static void start() {
        cluster = EmbeddedRedisCluster.start();
        redis = RedisClients.connect(cluster.url());
        articles = onThreeMasters();
        for (long id : articles) {
            String created = "2026-11-24T10:00:00.000";
            redis.hset(BOARDS.article(id), ArticleModel.rowFields(id, BOARD, WRITER, "title " + id, "content", created,
                    created));
            redis.hset(BOARDS.article(id), Map.of(ArticleModel.COMMENT_COUNT, "1", ArticleModel.LIKE_COUNT, "0"));
            redis.zadd(BOARDS.boardArticles(BOARD), id, Long.toString(id));
            redis.zadd(WriterKeys.in(G1).writerArticles(WRITER), id, Long.toString(id));
        }
        redis.hset(BOARDS.board(BOARD), "count", "3");
        redis.hset(WriterKeys.in(G1).writer(WRITER), "count", "3");
        redis.incr(new ViewKeys(NAMESPACE).viewCount(articles.get(2)));
        CatalogKeys catalog = CatalogKeys.in(G1);
        redis.hset(catalog.catalog(1), Map.of("parent", "", "linked", "1", "name", "Books", "order", "1",
                "sellable", "2"));
        redis.zadd(catalog.catalogRoots(), 1, "00000000000000000001");
        redis.hset(G1.meta(), "building", "0");
        redis.set(NAMESPACE.active(), G1.generation());
        app = TestQueryApp.start(redis, Map.of("REDIS_URL", cluster.url(), "REDIS_NAMESPACE", NAMESPACE.namespace(),
                "QUERY_NEAR_CACHE_MB", "16", "VIEW_COUNT_CACHE_TTL", "200ms"));
        http = app.http();
    }

    @AfterAll
    static void stop() {
        app.close();
        redis.close();
        cluster.close();
    }

    @Test
    void shouldAnswerArticlesBoardPagesWriterListsAndTheCatalogFromEveryMaster() {
        for (long id : articles) {
            assertThat(article(id).get("title").asText()).isEqualTo("title " + id);
        }
        JsonNode page = http.get("/boards/" + BOARD + "/articles?page=1&pageSize=10").json();
        assertThat(page.get("articleCount").asLong()).isEqualTo(3);
        List<Long> newestFirst = new ArrayList<>(articles);
        newestFirst.sort((a, b) -> Long.compare(b, a));
        assertThat(ids(page)).isEqualTo(newestFirst);
        assertThat(viewCount(page, articles.get(2))).as("a view counter in its article's slot").isEqualTo(1);
        assertThat(ids(http.get("/users/" + WRITER + "/articles?pageSize=2").json())).isEqualTo(newestFirst.subList(0, 2));
        assertThat(http.get("/catalogs/tree").json().at("/catalogs/0/name").asText()).isEqualTo("Books");
    }

    @Test
    void shouldAnswerAChangeOnAnyMasterRightAfterItWhileKeepingReadsInBetween() {
        await().atMost(SOON).untilAsserted(() -> assertThat(http.get("/health").json().get("nearCache").asText())
                .as("every master's invalidations subscribed").isEqualTo("serving"));
        for (long id : articles) {
            long comments = article(id).get("commentCount").asLong();
            await().atMost(SOON).untilAsserted(() -> {
                double hits = hits();
                article(id);
                assertThat(hits()).as("a repeated read of %d answered from the near cache", id).isEqualTo(hits + 1);
            });

            redis.hincrBy(BOARDS.article(id), ArticleModel.COMMENT_COUNT, 1); // as the projector does

            await().atMost(SOON).untilAsserted(() -> assertThat(article(id).get("commentCount").asLong())
                    .as("article %d on the master of slot %d", id, JedisClusterCRC16.getSlot(BOARDS.article(id)))
                    .isEqualTo(comments + 1));
        }
    }

    private static JsonNode article(long id) {
        JsonHttp.Response response = http.get("/articles/" + id);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private static List<Long> ids(JsonNode page) {
        List<Long> ids = new ArrayList<>();
        page.get("articles").forEach(article -> ids.add(article.get("articleId").asLong()));
        return ids;
    }

    private static long viewCount(JsonNode page, long id) {
        for (JsonNode article : page.get("articles")) {
            if (article.get("articleId").asLong() == id) {
                return article.get("viewCount").asLong();
            }
        }
        throw new AssertionError("article " + id + " is not on the page");
    }

    private static double hits() {
        return PrometheusText.sum(http.get("/metrics").body(), "query_nearcache_hits_total", Map.of());
    }

    /** Three article ids far above the shared database's, whose model keys are on three different masters. */
    private static List<Long> onThreeMasters() {
        List<Long> ids = new ArrayList<>();
        List<Integer> masters = new ArrayList<>();
        for (long id = 9_100_000; ids.size() < 3; id++) {
            int master = JedisClusterCRC16.getSlot(BOARDS.article(id)) * 3 / EmbeddedRedisCluster.SLOTS;
            if (!masters.contains(master)) {
                masters.add(master);
                ids.add(id);
            }
        }
        return ids;
    }
}
