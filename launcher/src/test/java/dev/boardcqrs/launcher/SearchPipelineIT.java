package dev.boardcqrs.launcher;

import static dev.boardcqrs.embedded.JsonHttp.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SharedServers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Search on real servers: command-api or plain SQL -> binlog -> cdc-projector -> OpenSearch (and Redis for the
 * counts) -> query-api's GET /search/articles. Each test uses words and boards of its own.
 */
class SearchPipelineIT {
    private static final Duration SEARCHABLE_WITHIN = Duration.ofSeconds(20);
    private static final AtomicLong BOARDS = new AtomicLong(300);

    private static DevStack stack;
    private static JsonHttp command;
    private static JsonHttp query;
    private static JsonHttp engine;

    @BeforeAll
    static void start() throws Exception {
        String search = SharedServers.search().url();
        stack = TestStacks.start(Map.of("COMMAND_API_PORT", "0", "QUERY_API_PORT", "0", "PROJECTOR_PORT", "0",
                "SEARCH_URL", search, "REDIS_NAMESPACE", "searchpipeline"));
        command = new JsonHttp(stack.commandApiUrl()).as(stack.tokenFor(1));
        query = new JsonHttp(stack.queryApiUrl());
        engine = new JsonHttp(search);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldFindKoreanWordsInsideLongerWordsAndEnglishWordsByTheirStem() throws Exception {
        long board = BOARDS.incrementAndGet();
        long korean = post(board, "첫 게시글입니다", "오늘은 새로운 검색엔진을 소개합니다.");
        long english = sql("INSERT INTO article (board_id, writer_id, title, content) VALUES (" + board
                + ", 9, 'Engines compared', 'We were searching for faster indexes all week')");

        eventually(() -> {
            assertThat(ids("게시글", board)).containsExactly(korean);
            assertThat(ids("검색", board)).containsExactly(korean);
            assertThat(ids("searches", board)).as("search, searches, searching share a stem")
                    .containsExactly(english);
            assertThat(ids("engine", board)).containsExactly(english);
        });
        JsonNode found = search("q=" + encode("검색") + "&boardId=" + board).json();
        JsonNode article = found.path("articles").get(0);
        assertThat(article.path("title").asText()).isEqualTo("첫 게시글입니다");
        assertThat(article.path("writerId").asLong()).isEqualTo(1);
        assertThat(article.path("commentCount").asLong()).isZero();
        assertThat(article.path("highlights").path("content").asText()).contains("<em>검색</em>");
        assertThat(found.path("total").asLong()).isEqualTo(1);
        assertThat(found.path("next").isNull()).isTrue();
    }

    @Test
    void shouldFollowUpdatesMovesAndDeletesFromTheApiAndPlainSql() throws Exception {
        long board = BOARDS.incrementAndGet();
        long other = BOARDS.incrementAndGet();
        long edited = post(board, "zebra crossing", "a walk");
        long moved = sql("INSERT INTO article (board_id, writer_id, title, content) VALUES (" + board
                + ", 9, 'zebra herd', 'seen on the plain')");
        long deletedByApi = post(board, "zebra stripes", "black and white");
        long deletedBySql = post(board, "zebra foal", "young");
        eventually(() -> assertThat(ids("zebra", board)).containsExactlyInAnyOrder(edited, moved, deletedByApi,
                deletedBySql));

        command.put("/articles/" + edited, toJson(Map.of("title", "giraffe crossing", "content", "a walk")));
        sql("UPDATE article SET board_id = " + other + " WHERE article_id = " + moved);
        command.delete("/articles/" + deletedByApi);
        sql("DELETE FROM article WHERE article_id = " + deletedBySql);

        eventually(() -> {
            assertThat(ids("zebra", board)).isEmpty();
            assertThat(ids("zebra", other)).containsExactly(moved);
            assertThat(ids("giraffe", board)).containsExactly(edited);
        });
    }

    @Test
    void shouldMatchPhrasesAndLeaveOutExclusions() throws Exception {
        long board = BOARDS.incrementAndGet();
        long quick = post(board, "quick brown fox", "jumps");
        long brown = post(board, "brown quick fox", "sleeps");
        eventually(() -> assertThat(ids("fox", board)).containsExactlyInAnyOrder(quick, brown));

        assertThat(ids("\"quick brown\"", board)).containsExactly(quick);
        assertThat(ids("fox -sleeps", board)).containsExactly(quick);
        assertThat(ids("fox -\"quick fox\"", board)).containsExactly(quick);
    }

    @Test
    void shouldPageWithCursorsNewestFirstAndByRelevance() throws Exception {
        long board = BOARDS.incrementAndGet();
        List<Long> posted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // the first posted says it most: relevance puts it first, against the order of ids
            posted.add(post(board, "page " + i, "pagination ".repeat(5 - i) + "and other words"));
        }
        eventually(() -> assertThat(ids("pagination", board)).hasSize(5));

        for (String sort : List.of("recent", "relevance")) {
            List<Long> seen = new ArrayList<>();
            String after = null;
            do {
                JsonNode page = search("q=pagination&boardId=" + board + "&sort=" + sort + "&pageSize=2"
                        + (after == null ? "" : "&after=" + after)).json();
                assertThat(page.path("total").asLong()).isEqualTo(5);
                page.path("articles").forEach(article -> seen.add(article.path("articleId").asLong()));
                after = page.path("next").isNull() ? null : page.path("next").asText();
            } while (after != null && seen.size() < 10);
            assertThat(seen).as(sort).hasSize(5).containsExactlyInAnyOrderElementsOf(posted);
            if (sort.equals("recent")) {
                assertThat(seen).isSortedAccordingTo((a, b) -> Long.compare(b, a)); // same second: by id
            } else {
                assertThat(seen.get(0)).as("the text that says 'pagination' most").isEqualTo(posted.get(0));
            }
        }
    }

    @Test
    void shouldAnswer400ForBadInputAndNeverPassQuerySyntaxOn() {
        for (String bad : List.of("", "q=", "q=" + "a".repeat(201), "q=" + encode("\"open"), "q=-only",
                "q=x&sort=best", "q=x&pageSize=0", "q=x&pageSize=101", "q=x&boardId=-1", "q=x&after=garbage")) {
            JsonHttp.Response answer = search(bad);
            assertThat(answer.status()).as(bad).isEqualTo(400);
            assertThat(answer.json().path("error").asText()).as(bad).isNotBlank();
        }
        // engine syntax is text to match: a regex or wildcard finds nothing instead of running
        for (String syntax : List.of("/.*/", "*", "title:*", "a~2", "_exists_:title")) {
            JsonHttp.Response answer = search("q=" + encode(syntax));
            assertThat(answer.status()).as(syntax).isEqualTo(200);
            assertThat(answer.json().path("total").asLong()).as(syntax).isZero();
        }
    }

    @Test
    void shouldKeepAnsweringThroughARebuildThatMovesTheAliasAndDropsTheOldIndex() throws Exception {
        long board = BOARDS.incrementAndGet();
        long article = post(board, "rebuild survivor", "still here");
        eventually(() -> assertThat(ids("survivor", board)).containsExactly(article));
        String before = aliasTarget();

        stack.projector().rebuild("SearchPipelineIT");
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            assertThat(aliasTarget()).isNotEqualTo(before);
            assertThat(engine.get("/" + before).status()).as("old index removed").isEqualTo(404);
        });
        assertThat(aliasTarget()).endsWith("-" + stack.projector().activeGeneration().name());
        assertThat(ids("survivor", board)).containsExactly(article);
        long afterRebuild = post(board, "rebuild newcomer", "written after");
        eventually(() -> assertThat(ids("newcomer", board)).containsExactly(afterRebuild));
        JsonNode status = new JsonHttp("http://127.0.0.1:" + stack.projector().port()).get("/status").json();
        assertThat(status.path("stores").path("search").path("articles").path("documents").asLong()).isPositive();
    }

    private static String aliasTarget() {
        return engine.get("/_alias/searchpipeline-articles").json().fieldNames().next();
    }

    private static long post(long board, String title, String content) {
        return command.post("/articles", toJson(Map.of("boardId", board, "title", title, "content", content)))
                .json().get("articleId").asLong();
    }

    /** Runs a statement as another system would; answers the id it generated (0 for none). */
    private static long sql(String statement) throws Exception {
        try (Connection root = stack.database().connectAsRoot();
             Statement sql = root.createStatement()) {
            sql.execute(statement, Statement.RETURN_GENERATED_KEYS);
            var keys = sql.getGeneratedKeys();
            return keys.next() ? keys.getLong(1) : 0;
        }
    }

    private static List<Long> ids(String q, long board) {
        JsonHttp.Response answer = search("q=" + encode(q) + "&boardId=" + board + "&pageSize=100");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<Long> ids = new ArrayList<>();
        answer.json().path("articles").forEach(article -> ids.add(article.path("articleId").asLong()));
        return ids;
    }

    private static JsonHttp.Response search(String parameters) {
        return query.get("/search/articles?" + parameters);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static void eventually(ThrowingRunnable assertion) {
        await().atMost(SEARCHABLE_WITHIN).pollInterval(Duration.ofMillis(100)).untilAsserted(assertion);
    }
}
