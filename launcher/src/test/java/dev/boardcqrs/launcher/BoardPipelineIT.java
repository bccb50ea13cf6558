package dev.boardcqrs.launcher;

import static dev.boardcqrs.embedded.JsonHttp.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.boardcqrs.embedded.JsonHttp;
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
 * The whole path on real servers: command-api or plain SQL -> MariaDB binlog -> cdc-projector -> Redis ->
 * query-api. Each test works on its own board so the tests do not see each other's articles.
 */
class BoardPipelineIT {
    private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(15);
    private static final AtomicLong BOARDS = new AtomicLong(100);
    private static final AtomicLong WRITERS = new AtomicLong(7000);

    private static DevStack stack;
    private static JsonHttp command;
    private static JsonHttp query;

    @BeforeAll
    static void start() throws Exception {
        stack = TestStacks.start(Map.of("COMMAND_API_PORT", "0", "QUERY_API_PORT", "0", "PROJECTOR_PORT", "0"));
        command = new JsonHttp(stack.commandApiUrl()).as(stack.tokenFor(1));
        query = new JsonHttp(stack.queryApiUrl());
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void shouldShowCommandApiWritesInTheQueryApi() {
        long board = BOARDS.incrementAndGet();
        long articleId = command.post("/articles", toJson(Map.of("boardId", board, "title", "Hello", "content", "world"))).json().get("articleId").asLong();
        long comment = command.post("/articles/" + articleId + "/comments",
                toJson(Map.of("content", "first"))).json().get("commentId").asLong();
        command.post("/articles/" + articleId + "/comments", toJson(Map.of("content", "second")));
        command.as(stack.tokenFor(4)).post("/articles/" + articleId + "/likes", "");
        command.as(stack.tokenFor(5)).post("/articles/" + articleId + "/likes", "");
        command.as(stack.tokenFor(4)).post("/articles/" + articleId + "/views", "");

        eventually(() -> {
            JsonNode article = article(articleId);
            assertThat(article.get("title").asText()).isEqualTo("Hello");
            assertThat(article.get("commentCount").asLong()).isEqualTo(2);
            assertThat(article.get("likeCount").asLong()).isEqualTo(2);
            assertThat(article.get("viewCount").asLong()).isEqualTo(1);
        });

        command.put("/articles/" + articleId, toJson(Map.of("title", "Hello again", "content", "edited")));
        command.delete("/comments/" + comment);
        command.as(stack.tokenFor(4)).delete("/articles/" + articleId + "/likes/4");
        eventually(() -> {
            JsonNode article = article(articleId);
            assertThat(article.get("title").asText()).isEqualTo("Hello again");
            assertThat(article.get("content").asText()).isEqualTo("edited");
            assertThat(article.get("commentCount").asLong()).isEqualTo(1);
            assertThat(article.get("likeCount").asLong()).isEqualTo(1);
        });

        command.delete("/articles/" + articleId);
        eventually(() -> {
            assertThat(query.get("/articles/" + articleId).status()).isEqualTo(404);
            assertThat(boardIds(board)).isEmpty();
        });
    }

    @Test
    void shouldShowPlainSqlWritesExactlyLikeCommandApiWrites() throws Exception {
        long board = BOARDS.incrementAndGet();
        long first = stack.database().insert("INSERT INTO article (board_id, writer_id, title, content) VALUES (?, 1, 'sql', 'by hand')", board);
        long second = stack.database().insert("INSERT INTO article (board_id, writer_id, title, content) VALUES (?, 1, 'two', 'x')", board);
        long c1 = stack.database().insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 2, 'a')", first);
        long c2 = stack.database().insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 2, 'b')", first);
        stack.database().insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 2, 'c')", first);
        stack.database().insert("INSERT INTO article_like (article_id, user_id) VALUES (?, 9)", first);

        eventually(() -> {
            assertThat(article(first).get("commentCount").asLong()).isEqualTo(3);
            assertThat(article(first).get("likeCount").asLong()).isEqualTo(1);
            assertThat(boardIds(board)).containsExactly(second, first);
        });

        stack.database().execute("UPDATE comment SET deleted = TRUE WHERE comment_id = ?", c1);   // soft delete: no longer counts
        stack.database().execute("UPDATE comment SET article_id = ? WHERE comment_id = ?", second, c2); // moved to another article
        stack.database().execute("DELETE FROM article_like WHERE article_id = ?", first);
        stack.database().execute("UPDATE article SET title = 'renamed' WHERE article_id = ?", first);
        eventually(() -> {
            JsonNode article = article(first);
            assertThat(article.get("title").asText()).isEqualTo("renamed");
            assertThat(article.get("commentCount").asLong()).isEqualTo(1);
            assertThat(article.get("likeCount").asLong()).isZero();
            assertThat(article(second).get("commentCount").asLong()).isEqualTo(1);
        });

        stack.database().execute("UPDATE comment SET deleted = FALSE WHERE comment_id = ?", c1);   // undeleted: counts again
        stack.database().execute("DELETE FROM article WHERE article_id = ?", second);
        eventually(() -> {
            assertThat(article(first).get("commentCount").asLong()).isEqualTo(2);
            assertThat(query.get("/articles/" + second).status()).isEqualTo(404);
            assertThat(boardIds(board)).containsExactly(first);
            assertThat(query.get("/boards/" + board + "/articles").json().get("articleCount").asLong()).isEqualTo(1);
        });
    }

    @Test
    void shouldResumeAfterARestartWithoutANewSnapshotOrDoubleCounting() throws Exception {
        long board = BOARDS.incrementAndGet();
        long articleId = stack.database().insert("INSERT INTO article (board_id, writer_id, title, content) VALUES (?, 1, 'r', 'r')", board);
        stack.database().insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 2, 'a')", articleId);
        stack.database().insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 2, 'b')", articleId);
        eventually(() -> assertThat(article(articleId).get("commentCount").asLong()).isEqualTo(2));

        stack.projector().close();
        stack.database().insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 2, 'while down')", articleId);
        stack.database().insert("INSERT INTO article_like (article_id, user_id) VALUES (?, 3)", articleId);
        stack.restartProjector();

        eventually(() -> {
            assertThat(article(articleId).get("commentCount").asLong()).isEqualTo(3);
            assertThat(article(articleId).get("likeCount").asLong()).isEqualTo(1);
        });
        assertThat(stack.projector().status().snapshotRows()).isZero();
        assertThat(stack.projector().status().streamedChanges()).isPositive();
    }

    @Test
    void shouldListAWritersArticlesWhateverWroteThemAndFollowAnArticleToItsNewWriter() throws Exception {
        long writer = WRITERS.incrementAndGet();
        long other = WRITERS.incrementAndGet();
        JsonHttp asWriter = command.as(stack.tokenFor(writer));
        long first = asWriter.post("/articles", toJson(Map.of("boardId", BOARDS.incrementAndGet(), "title", "one",
                "content", "c"))).json().get("articleId").asLong();
        long second = stack.database().insert("INSERT INTO article (board_id, writer_id, title, content) VALUES (?, ?, "
                + "'two, by hand', 'c')", BOARDS.incrementAndGet(), writer);
        long third = asWriter.post("/articles", toJson(Map.of("boardId", BOARDS.incrementAndGet(), "title", "three",
                "content", "c"))).json().get("articleId").asLong();
        command.as(stack.tokenFor(other)).post("/articles/" + second + "/comments", toJson(Map.of("content", "hi")));

        eventually(() -> {
            JsonNode page = query.get("/users/" + writer + "/articles").json();
            assertThat(ids(page)).containsExactly(third, second, first);
            assertThat(page.get("articleCount").asLong()).isEqualTo(3);
            assertThat(page.get("articles").get(1)).as("the same fields as GET /articles/{id}")
                    .isEqualTo(article(second));
            assertThat(page.get("articles").get(1).get("commentCount").asLong()).isEqualTo(1);
        });
        JsonNode firstPage = query.get("/users/" + writer + "/articles?pageSize=2").json();
        assertThat(ids(firstPage)).containsExactly(third, second);
        assertThat(ids(query.get("/users/" + writer + "/articles?pageSize=2&lastArticleId=" + second).json()))
                .containsExactly(first);

        stack.database().execute("UPDATE article SET writer_id = ? WHERE article_id = ?", other, second);
        asWriter.delete("/articles/" + first);
        eventually(() -> {
            assertThat(ids(query.get("/users/" + writer + "/articles").json())).containsExactly(third);
            assertThat(query.get("/users/" + writer + "/articles").json().get("articleCount").asLong()).isEqualTo(1);
            assertThat(ids(query.get("/users/" + other + "/articles").json())).containsExactly(second);
            assertThat(query.get("/users/" + other + "/articles").json().get("articleCount").asLong()).isEqualTo(1);
        });
    }

    private static JsonNode article(long articleId) {
        JsonHttp.Response response = query.get("/articles/" + articleId);
        assertThat(response.status()).as("GET /articles/%d: %s", articleId, response.body()).isEqualTo(200);
        return response.json();
    }

    private static List<Long> boardIds(long board) {
        return ids(query.get("/boards/" + board + "/articles?pageSize=100").json());
    }

    private static List<Long> ids(JsonNode page) {
        List<Long> ids = new ArrayList<>();
        page.get("articles").forEach(article -> ids.add(article.get("articleId").asLong()));
        return ids;
    }

    private static void eventually(ThrowingRunnable assertion) {
        await().atMost(VISIBLE_WITHIN).pollInterval(Duration.ofMillis(50)).untilAsserted(assertion);
    }


}
