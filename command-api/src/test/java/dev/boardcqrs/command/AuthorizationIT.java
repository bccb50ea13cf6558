package dev.boardcqrs.command;

import static dev.boardcqrs.embedded.JsonHttp.toJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.boardcqrs.command.auth.Tokens;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.JsonHttp.Response;
import dev.boardcqrs.embedded.SharedServers;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Writes need a valid bearer token; the user comes from its subject; only writers change what they wrote. */
class AuthorizationIT {
    private static EmbeddedDatabase database;
    private static TestApp app;
    private static JsonHttp anonymous;
    private static JsonHttp writer;
    private static JsonHttp stranger;

    @BeforeAll
    static void start() {
        database = SharedServers.database();
        app = TestApp.start(Map.of(), 4);
        anonymous = app.http();
        writer = anonymous.as(TestConfig.token(7));
        stranger = anonymous.as(TestConfig.token(8));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static Stream<String> badAuthorizations() {
        String expired = new Tokens(TestConfig.JWT_SECRET, Clock.fixed(Instant.now().minus(Duration.ofHours(3)), ZoneOffset.UTC))
                .issue(7, Duration.ofHours(1));
        String forged = new Tokens("another-secret-of-at-least-32-bytes!!", Clock.systemUTC()).issue(7, Duration.ofHours(1));
        String valid = TestConfig.token(7);
        String unsigned = encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + valid.split("\\.")[1] + ".";
        String otherAlgorithm = encode("{\"alg\":\"HS512\"}") + "." + valid.split("\\.")[1] + "." + valid.split("\\.")[2];
        String[] parts = valid.split("\\.");
        String tamperedSubject = parts[0] + "." + encode("{\"sub\":\"1\",\"exp\":9999999999}") + "." + parts[2];
        return Stream.of(null, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer x.y.z", "Bearer " + expired,
                "Bearer " + forged, "Bearer " + unsigned, "Bearer " + otherAlgorithm, "Bearer " + tamperedSubject,
                "Bearer " + "a".repeat(5000), "Bearer ' OR 1=1 --", "Bearer " + valid + "x");
    }

    @ParameterizedTest
    @MethodSource("badAuthorizations")
    void shouldAnswer401JsonAndWriteNothingWithoutAValidToken(String authorization) throws Exception {
        String before = count("article");
        Response response = authorization == null
                ? anonymous.post("/articles", toJson(Map.of("boardId", 1, "title", "t", "content", "c")))
                : anonymous.send("POST", "/articles", toJson(Map.of("boardId", 1, "title", "t", "content", "c")),
                        "Authorization", authorization.isEmpty() ? " " : authorization);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json().get("error").asText()).isNotBlank();
        assertThat(count("article")).isEqualTo(before);
    }

    @Test
    void shouldTakeTheWriterFromTheTokenAndIgnoreOneInTheBody() {
        Response created = writer.post("/articles",
                toJson(Map.of("boardId", 1, "writerId", 99, "title", "mine", "content", "c")));

        assertThat(created.json().get("writerId").asLong()).isEqualTo(7);
    }

    @Test
    void shouldLetOnlyTheWriterChangeOrDeleteAnArticle() throws Exception {
        long articleId = createArticle();

        Response update = stranger.put("/articles/" + articleId, toJson(Map.of("title", "hijacked", "content", "x")));
        Response delete = stranger.delete("/articles/" + articleId);

        assertThat(update.status()).isEqualTo(403);
        assertThat(update.json().get("error").asText()).isEqualTo("only the writer of article " + articleId + " may change it");
        assertThat(delete.status()).isEqualTo(403);
        assertThat(query("SELECT title FROM article WHERE article_id = " + articleId)).isEqualTo("original");
        assertThat(writer.put("/articles/" + articleId, toJson(Map.of("title", "edited", "content", "x"))).status())
                .isEqualTo(200);
    }

    @Test
    void shouldLetOnlyTheWriterDeleteAComment() throws Exception {
        long articleId = createArticle();
        long commentId = stranger.post("/articles/" + articleId + "/comments", toJson(Map.of("content", "by 8")))
                .json().get("commentId").asLong();

        assertThat(writer.delete("/comments/" + commentId).status()).isEqualTo(403);
        assertThat(query("SELECT COUNT(*) FROM comment WHERE comment_id = " + commentId)).isEqualTo("1");
        assertThat(stranger.delete("/comments/" + commentId).status()).isEqualTo(204);
    }

    @Test
    void shouldLetAUserRemoveOnlyTheirOwnLike() throws Exception {
        long articleId = createArticle();
        assertThat(stranger.post("/articles/" + articleId + "/likes", "").status()).isEqualTo(201);

        assertThat(writer.delete("/articles/" + articleId + "/likes/8").status()).isEqualTo(403);
        assertThat(query("SELECT COUNT(*) FROM article_like WHERE article_id = " + articleId)).isEqualTo("1");
        assertThat(stranger.delete("/articles/" + articleId + "/likes/8").status()).isEqualTo(204);
    }

    private static long createArticle() {
        return writer.post("/articles", toJson(Map.of("boardId", 1, "title", "original", "content", "c")))
                .json().get("articleId").asLong();
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String count(String table) throws Exception {
        return query("SELECT COUNT(*) FROM " + table);
    }

    private static String query(String sql) throws Exception {
        try (Connection connection = database.connectAsRoot();
             ResultSet rs = connection.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
