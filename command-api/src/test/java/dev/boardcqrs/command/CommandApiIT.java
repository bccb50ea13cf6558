package dev.boardcqrs.command;

import static dev.boardcqrs.embedded.JsonHttp.toJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.embedded.JsonHttp.Response;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CommandApiIT {
    private static EmbeddedDatabase database;
    private static TestApp app;
    private static JsonHttp http;

    @BeforeAll
    static void start() {
        database = SharedServers.database();
        app = TestApp.start(Map.of(), 4);
        http = app.http().as(TestConfig.token(7));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void shouldCreateAnArticleAndAnswerWithTheStoredRow() throws Exception {
        Response response = http.post("/articles",
                toJson(Map.of("boardId", 1, "title", "Hello", "content", "First post ✓")));

        assertThat(response.status()).isEqualTo(201);
        JsonNode article = response.json();
        long id = article.get("articleId").asLong();
        assertThat(id).isPositive();
        assertThat(article.get("title").asText()).isEqualTo("Hello");
        assertThat(article.get("writerId").asLong()).as("the writer is the token's subject").isEqualTo(7);
        assertThat(article.get("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}");
        assertThat(query("SELECT CONCAT(title, '|', content, '|', board_id) FROM article WHERE article_id = " + id))
                .isEqualTo("Hello|First post ✓|1");
    }

    @Test
    void shouldUpdateTitleAndContentAndAnswer404ForAnUnknownArticle() throws Exception {
        long id = createArticle();

        Response updated = http.put("/articles/" + id, toJson(Map.of("title", "New title", "content", "New")));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("title").asText()).isEqualTo("New title");
        assertThat(query("SELECT title FROM article WHERE article_id = " + id)).isEqualTo("New title");

        Response missing = http.put("/articles/999999", toJson(Map.of("title", "x", "content", "y")));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("error").asText()).isEqualTo("article 999999 does not exist");
    }

    @Test
    void shouldDeleteAnArticleWithItsCommentsAndLikes() throws Exception {
        long id = createArticle();
        assertThat(http.post("/articles/" + id + "/comments", toJson(Map.of("content", "c"))).status())
                .isEqualTo(201);
        assertThat(http.as(TestConfig.token(3)).post("/articles/" + id + "/likes", "").status()).isEqualTo(201);

        assertThat(http.delete("/articles/" + id).status()).isEqualTo(204);

        assertThat(query("SELECT COUNT(*) FROM article WHERE article_id = " + id)).isEqualTo("0");
        assertThat(query("SELECT COUNT(*) FROM comment WHERE article_id = " + id)).isEqualTo("0");
        assertThat(query("SELECT COUNT(*) FROM article_like WHERE article_id = " + id)).isEqualTo("0");
        assertThat(http.delete("/articles/" + id).status()).isEqualTo(404);
    }

    @Test
    void shouldSoftDeleteACommentWithRepliesAndRemoveALeafComment() throws Exception {
        long articleId = createArticle();
        long parent = http.post("/articles/" + articleId + "/comments",
                toJson(Map.of("content", "parent"))).json().get("commentId").asLong();
        Response reply = http.post("/articles/" + articleId + "/comments",
                toJson(Map.of("content", "reply", "parentCommentId", parent)));
        assertThat(reply.status()).isEqualTo(201);
        long replyId = reply.json().get("commentId").asLong();

        assertThat(http.delete("/comments/" + parent).status()).isEqualTo(204);
        assertThat(query("SELECT deleted FROM comment WHERE comment_id = " + parent)).isEqualTo("1");
        assertThat(http.delete("/comments/" + parent).status()).isEqualTo(404);

        assertThat(http.delete("/comments/" + replyId).status()).isEqualTo(204);
        assertThat(query("SELECT COUNT(*) FROM comment WHERE comment_id = " + replyId)).isEqualTo("0");
    }

    @Test
    void shouldRejectAReplyToACommentOfAnotherArticle() throws Exception {
        long first = createArticle();
        long second = createArticle();
        long comment = http.post("/articles/" + first + "/comments", toJson(Map.of("content", "c")))
                .json().get("commentId").asLong();

        Response response = http.post("/articles/" + second + "/comments",
                toJson(Map.of("content", "c", "parentCommentId", comment)));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").asText()).contains("parentCommentId " + comment);
        assertThat(query("SELECT COUNT(*) FROM comment WHERE article_id = " + second)).isEqualTo("0");
    }

    @Test
    void shouldAnswer409ToASecondLikeByTheSameUserAndChangeNothing() throws Exception {
        long id = createArticle();
        JsonHttp user5 = http.as(TestConfig.token(5));
        assertThat(user5.post("/articles/" + id + "/likes", "").status()).isEqualTo(201);

        Response again = user5.post("/articles/" + id + "/likes", "");

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("error").asText()).isEqualTo("user 5 already likes article " + id);
        assertThat(query("SELECT COUNT(*) FROM article_like WHERE article_id = " + id)).isEqualTo("1");
        assertThat(user5.delete("/articles/" + id + "/likes/5").status()).isEqualTo(204);
        assertThat(user5.delete("/articles/" + id + "/likes/5").status()).isEqualTo(404);
    }

    @Test
    void shouldAnswer404WhenCommentingOrLikingAnUnknownArticle() {
        assertThat(http.post("/articles/999999/comments", toJson(Map.of("content", "c"))).status()).isEqualTo(404);
        assertThat(http.post("/articles/999999/likes", "").status()).isEqualTo(404);
    }

    static Stream<Arguments> badArticles() {
        String longTitle = "t".repeat(201);
        String longContent = "c".repeat(64 * 1024 + 1);
        return Stream.of(
                Arguments.of("{\"boardId\":1,\"title\":\"t\"", "not valid JSON"),
                Arguments.of("[1,2]", "must be a JSON object"),
                Arguments.of("", "must be a JSON object"),
                Arguments.of("{\"title\":\"t\",\"content\":\"c\"}", "boardId is required"),
                Arguments.of("{\"boardId\":\"1\",\"title\":\"t\",\"content\":\"c\"}", "boardId must be a positive integer"),
                Arguments.of("{\"boardId\":1.5,\"title\":\"t\",\"content\":\"c\"}", "boardId must be a positive integer"),
                Arguments.of("{\"boardId\":-1,\"title\":\"t\",\"content\":\"c\"}", "boardId must be a positive integer"),
                Arguments.of("{\"boardId\":99999999999999999999,\"title\":\"t\",\"content\":\"c\"}", "boardId must be a positive integer"),
                Arguments.of("{\"boardId\":0,\"title\":\"t\",\"content\":\"c\"}", "boardId must be a positive integer"),
                Arguments.of("{\"boardId\":1,\"title\":\"\\uD800\",\"content\":\"c\"}", "title must be valid Unicode text"),
                Arguments.of("{\"boardId\":1,\"title\":\"  \",\"content\":\"c\"}", "title must not be blank"),
                Arguments.of("{\"boardId\":1,\"title\":5,\"content\":\"c\"}", "title must be a string"),
                Arguments.of("{\"boardId\":1,\"content\":\"c\"}", "title is required"),
                Arguments.of(toJson(Map.of("boardId", 1, "title", longTitle, "content", "c")), "title must be at most 200 characters"),
                Arguments.of(toJson(Map.of("boardId", 1, "title", "t", "content", longContent)), "content must be at most 65536 bytes"));
    }

    @ParameterizedTest
    @MethodSource("badArticles")
    void shouldAnswer400NamingTheProblemAndWriteNothing(String body, String expectedError) throws Exception {
        String before = query("SELECT COUNT(*) FROM article");

        Response response = http.post("/articles", body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").asText()).contains(expectedError);
        assertThat(query("SELECT COUNT(*) FROM article")).isEqualTo(before);
    }

    @Test
    void shouldAnswer400ForNonNumericOrNegativePathIds() {
        Response text = http.delete("/articles/abc");
        assertThat(text.status()).isEqualTo(400);
        assertThat(text.json().get("error").asText()).isEqualTo("articleId must be a positive integer");
        Response negative = http.delete("/comments/-3");
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.json().get("error").asText()).isEqualTo("commentId must be a positive integer");
    }

    @Test
    void shouldAnswerUnknownRoutesWithJson404() {
        Response response = http.get("/nope");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("error").asText()).contains("/nope");
    }

    private static long createArticle() {
        return http.post("/articles", toJson(Map.of("boardId", 1, "title", "t", "content", "c")))
                .json().get("articleId").asLong();
    }

    private static String query(String sql) throws Exception {
        try (Connection connection = database.connectAsRoot();
             ResultSet rs = connection.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
