package dev.boardcqrs.launcher;

import static dev.boardcqrs.embedded.JsonHttp.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.generation.Generation;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The article search in Kafka mode (issue 18): LAUNCHER_MODE=kafka with SEARCH_ENABLED, so the connector's topics
 * feed the search index through two projectors in one consumer group, each partition with its own position in the
 * index's meta. Writes through command-api and with plain SQL (inserts, edits, moves, deletes) must be searchable in
 * query-api exactly as SQL has them, with both instances reading, and after one of them stopped, missed writes and
 * started again (it resumes from the positions the stores hold), and after a rebuild, whose index takes the alias
 * over and whose old generation goes once both Redis and the index have switched. MariaDB only: the Kafka path on MySQL is
 * KafkaModeIT's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaSearchIT {
    private static final long FIRST_BOARD = 9_301;
    private static final long SECOND_BOARD = 9_302;

    private static DevStack stack;
    private static JsonHttp command;
    private static JsonHttp query;
    private static int round;

    @BeforeAll
    static void start() throws Exception {
        stack = TestStacks.start(Map.of("COMMAND_API_PORT", "0", "QUERY_API_PORT", "0", "PROJECTOR_PORT", "0",
                "LAUNCHER_MODE", "kafka", "SEARCH_URL", SharedServers.search().url(),
                "REDIS_NAMESPACE", "kafkasearch",
                // a new index on a node that starts beside a broker and a worker took over 5 s here once
                "SEARCH_TIMEOUT", "30s"));
        command = new JsonHttp(stack.commandApiUrl()).as(stack.tokenFor(1));
        query = new JsonHttp(stack.queryApiUrl());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void shouldMakeApiAndSqlWritesSearchableAsSqlHasThemWithTwoInstancesSharingThePartitions() throws Exception {
        writeRound();
        writeRound();

        awaitSearchEqualsSql();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(TestStacks.partitions(stack.projector())).as("the first instance's share").isNotEmpty();
            assertThat(TestStacks.partitions(stack.secondProjector())).as("the second instance's share").isNotEmpty();
        });
    }

    @Test
    @Order(2)
    void shouldStayExactAcrossARestartOfOneInstance() throws Exception {
        stack.stopProjector();
        writeRound(); // the other instance takes the partitions over meanwhile
        stack.startProjectorAgain();
        writeRound();

        awaitSearchEqualsSql();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(TestStacks.partitions(stack.projector()))
                .as("the restarted instance reads again").isNotEmpty());
        writeRound();
        awaitSearchEqualsSql();
    }

    @Test
    @Order(3)
    void shouldRebuildIntoANewIndexAndRemoveTheOldOneOnceBothStoresSwitched() throws Exception {
        JsonHttp engine = new JsonHttp(SharedServers.search().url());
        String before = aliasTarget(engine);

        Generation rebuilt = stack.projector().rebuild("KafkaSearchIT");
        writeRound(); // while it reads the topics from their beginning

        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            assertThat(aliasTarget(engine)).isEqualTo("kafkasearch-articles-" + rebuilt.name());
            assertThat(engine.get("/" + before).status()).as("the old index removed").isEqualTo(404);
        });
        writeRound();
        awaitSearchEqualsSql();
    }

    private static String aliasTarget(JsonHttp engine) {
        return engine.get("/_alias/kafkasearch-articles").json().fieldNames().next();
    }

    /**
     * One round on two boards: through command-api an article posted, one posted and edited out of the search, one
     * posted and deleted; with plain SQL an article inserted, one inserted and moved to the other board, one inserted
     * and deleted.
     */
    private static void writeRound() throws Exception {
        round++;
        post("quokka api kept " + round);
        long edited = post("quokka api edited " + round);
        long deleted = post("quokka api deleted " + round);
        command.put("/articles/" + edited, toJson(Map.of("title", "wombat " + round, "content", "edited")));
        command.delete("/articles/" + deleted);
        sql("INSERT INTO article (board_id, writer_id, title, content) VALUES (" + FIRST_BOARD + ", 9, 'quokka sql "
                + round + "', 'by sql')");
        long moved = sql("INSERT INTO article (board_id, writer_id, title, content) VALUES (" + FIRST_BOARD
                + ", 9, 'quokka sql moved " + round + "', 'by sql')");
        long gone = sql("INSERT INTO article (board_id, writer_id, title, content) VALUES (" + FIRST_BOARD
                + ", 9, 'quokka sql deleted " + round + "', 'by sql')");
        sql("UPDATE article SET board_id = " + SECOND_BOARD + " WHERE article_id = " + moved);
        sql("DELETE FROM article WHERE article_id = " + gone);
    }

    /** What query-api finds for "quokka" on each board is what SQL has: the same articles, no more, no fewer. */
    private static void awaitSearchEqualsSql() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (long board : List.of(FIRST_BOARD, SECOND_BOARD)) {
                assertThat(found(board)).as("found on board %d", board).containsExactlyInAnyOrderElementsOf(
                        stack.database().ids("SELECT article_id FROM article WHERE board_id = " + board
                                + " AND title LIKE '%quokka%'"));
            }
        });
    }

    private static long post(String title) {
        return command.post("/articles", toJson(Map.of("boardId", FIRST_BOARD, "title", title, "content", "by api")))
                .json().get("articleId").asLong();
    }

    /** Runs a statement as another system would; answers the id it generated (0 for none). */
    private static long sql(String statement) throws Exception {
        try (Connection root = stack.database().connectAsRoot(); Statement sql = root.createStatement()) {
            sql.execute(statement, Statement.RETURN_GENERATED_KEYS);
            var keys = sql.getGeneratedKeys();
            return keys.next() ? keys.getLong(1) : 0;
        }
    }

    private static List<Long> found(long board) {
        JsonHttp.Response answer = query.get("/search/articles?q=quokka&boardId=" + board + "&pageSize=100");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<Long> ids = new ArrayList<>();
        answer.json().path("articles").forEach(article -> ids.add(article.path("articleId").asLong()));
        return ids;
    }
}
