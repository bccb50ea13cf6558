package dev.boardcqrs.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.search.HttpSearchClient;
import dev.boardcqrs.common.search.SearchClient;
import dev.boardcqrs.common.search.SearchIndexes;
import dev.boardcqrs.embedded.DatabaseKind;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.PrometheusText;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.deadletter.DeadLetter;
import dev.boardcqrs.projector.deadletter.DeadLetters;
import dev.boardcqrs.projector.redis.JedisProjectorRedis;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The search store in operation, against the real servers: a change its read model refuses goes to the dead letters
 * like any other store's; /status and /metrics show the store's refusals and documents; tombstones nothing can need
 * any more are purged, and a replay of old history after the purge still brings no deleted article back.
 */
class SearchOperationsIT {
    private static final KeyScheme KEYS = new KeyScheme("searchops");
    private static final Map<String, String> SEARCH_MODEL = Map.of("store", "search", "model", "article-search");
    private static EmbeddedDatabase database;
    private static RedisClient redis;
    private static SearchClient search;
    private static Projector projector;

    @BeforeAll
    static void projector() throws Exception {
        database = SharedServers.database();
        Path data = Files.createTempDirectory("projector-search-ops");
        ProjectorConfig config = ProjectorConfig.fromEnv(new Env(Map.of(
                "DATABASE_URL", database.jdbcUrl(),
                "REDIS_URL", SharedServers.redis().url(),
                "REDIS_NAMESPACE", KEYS.namespace(),
                "SEARCH_URL", SharedServers.search().url(),
                "PROJECTOR_PORT", "0",
                "PROJECTOR_ADMIN_TOKEN", "search-operations-test-admin-token-0123",
                "PROJECTOR_OFFSET_FILE", data.resolve("offsets.dat").toString(),
                "PROJECTOR_SCHEMA_HISTORY_FILE", data.resolve("history.dat").toString())));
        redis = RedisClient.create(URI.create(SharedServers.redis().url()));
        search = new HttpSearchClient(config.search());
        projector = new Projector(config, redis).start();
        assertThat(projector.status().awaitStarted(Duration.ofSeconds(120))).isTrue();
        // streaming into the index (the shared database may be empty: then the snapshot reads nothing)
        long probe = database.insert("INSERT INTO article (board_id, writer_id, title, content) "
                + "VALUES (6060, 1, 'probe', 'c')");
        String alias = new SearchIndexes(KEYS.namespace()).alias("articles");
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
                .until(() -> search.get("/" + alias + "/_doc/" + probe).isPresent());
    }

    @AfterAll
    static void stop() {
        projector.close();
        redis.close();
    }

    @Test
    void shouldKeepAnArticleTheSearchModelRefusesAsADeadLetterAndShowItsRefusalsAndDocuments() throws Exception {
        try {
            // a row the search model cannot take: another system made article.title optional
            database.execute("ALTER TABLE article MODIFY title VARCHAR(200) NULL");
            long untitled = database.insert("INSERT INTO article (board_id, writer_id, title, content) "
                    + "VALUES (6161, 1, NULL, 'no title')");
            database.insert("INSERT INTO article (board_id, writer_id, title, content) VALUES (6161, 1, 'after', 'c')");

            DeadLetters deadLetters = new DeadLetters(new JedisProjectorRedis(redis), KEYS, Clock.systemUTC());
            await().atMost(Duration.ofSeconds(60)).until(() -> searchLetter(deadLetters).isPresent());
            DeadLetter letter = searchLetter(deadLetters).orElseThrow();
            assertThat(letter.after()).contains("\"article_id\":" + untitled);
            assertThat(letter.error()).contains("title is null");

            JsonHttp http = new JsonHttp("http://127.0.0.1:" + projector.port());
            JsonNode store = http.get("/status").json().path("stores").path("search");
            assertThat(store.path("refused").asLong()).as("/status " + store).isEqualTo(1);
            // every article but the refused one, once the engine has refreshed (within index.refresh_interval)
            long searchable = database.count("SELECT COUNT(*) FROM article") - 1;
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(PrometheusText.sum(
                    http.get("/metrics").body(), "projector_documents", SEARCH_MODEL)).isEqualTo(searchable));
            assertThat(http.get("/status").json().path("stores").path("search").path("articles").path("documents")
                    .asLong()).isEqualTo(searchable);
            assertThat(PrometheusText.sum(http.get("/metrics").body(), "projector_refused_total", SEARCH_MODEL))
                    .isEqualTo(1);
        } finally {
            database.execute("DELETE FROM article WHERE title IS NULL");
            database.execute("ALTER TABLE article MODIFY title VARCHAR(200) NOT NULL");
            // as an operator would once the row is gone: a search dead letter holds tombstones back from the purge
            redis.del(KEYS.deadLetters());
        }
    }

    @Test
    void shouldPurgeATombstoneNothingCanNeedAndNotBringTheArticleBackOnAReplayOfItsHistory() throws Exception {
        String alias = new SearchIndexes(KEYS.namespace()).alias("articles");
        String before = gtids();
        long deleted = database.insert("INSERT INTO article (board_id, writer_id, title, content) "
                + "VALUES (6262, 1, 'deleted soon', 'c')");
        database.execute("DELETE FROM article WHERE article_id = ?", deleted);
        long later = database.insert("INSERT INTO article (board_id, writer_id, title, content) "
                + "VALUES (6262, 1, 'later', 'c')");
        // GET is real time: the tombstone, and a later change committed after it (the watermark is past the delete)
        await().atMost(Duration.ofSeconds(60)).until(() -> search.get("/" + alias + "/_doc/" + later).isPresent()
                && search.get("/" + alias + "/_doc/" + deleted).map(doc -> doc.path("_source").path("deleted")
                .asBoolean()).orElse(false));
        search.send("POST", "/" + alias + "/_refresh", null); // delete_by_query finds what a search finds

        assertThat(projector.purgeSearchTombstones()).isPositive();
        assertThat(search.get("/" + alias + "/_doc/" + deleted)).as("purged").isEmpty();

        long skipped = projector.status().duplicates();
        projector.replay("gtid:" + before); // the insert, the delete and the later insert come again
        long after = database.insert("INSERT INTO article (board_id, writer_id, title, content) "
                + "VALUES (6262, 1, 'after the replay', 'c')");
        // it comes after the replayed history: once it is in, the replayed changes went through the projector
        await().atMost(Duration.ofSeconds(120)).until(() -> search.get("/" + alias + "/_doc/" + after).isPresent());
        assertThat(search.get("/" + alias + "/_doc/" + deleted)).as("the replayed insert was skipped").isEmpty();
        assertThat(projector.status().duplicates() - skipped).isGreaterThanOrEqualTo(3);
    }

    private static Optional<DeadLetter> searchLetter(DeadLetters deadLetters) {
        return deadLetters.list().stream().filter(letter -> "search".equals(letter.store())).findFirst();
    }

    /** The transactions the server has written so far, as a replay's "gtid:" position takes them. */
    private static String gtids() throws Exception {
        String sql = database.kind() == DatabaseKind.MARIADB ? "SELECT @@gtid_binlog_pos" : "SELECT @@GLOBAL.gtid_executed";
        try (Connection connection = database.connectAsRoot(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1).replace("\n", "");
        }
    }
}
