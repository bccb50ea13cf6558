package dev.boardcqrs.command;

import static dev.boardcqrs.embedded.JsonHttp.toJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.boardcqrs.common.auth.HostileTokens;
import dev.boardcqrs.common.auth.HostileTokens.HostileToken;
import dev.boardcqrs.common.auth.TestIdentityProvider;
import dev.boardcqrs.embedded.EmbeddedMariaDb;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Writes need a valid bearer token; the user comes from its subject; only writers change what they wrote. Tokens
 * come from the HS256 secret or from an identity provider's key set (a local JWKS endpoint with rotated keys).
 */
class AuthorizationIT {
    private static final String ARTICLE = toJson(Map.of("boardId", 1, "title", "t", "content", "c"));

    private static EmbeddedDatabase database;
    private static TestApp app;
    private static JsonHttp anonymous;
    private static JsonHttp writer;
    private static JsonHttp stranger;
    private static TestIdentityProvider idp;
    // accepts the identity provider's RS256/ES256 tokens and, beside them, HS256 tokens of the test secret
    private static TestApp idpApp;

    @BeforeAll
    static void start() {
        database = SharedServers.database();
        app = TestApp.start(Map.of(), 4);
        anonymous = app.http();
        writer = anonymous.as(TestConfig.token(7));
        stranger = anonymous.as(TestConfig.token(8));
        idp = TestIdentityProvider.start();
        idpApp = TestApp.start(idp.settings(), 2);
    }

    @AfterAll
    static void stop() {
        app.close();
        idpApp.close();
        idp.close();
    }

    static Stream<String> badAuthorizations() {
        String expired = TestConfig.issuer(TestConfig.JWT_SECRET, Clock.fixed(Instant.now().minus(Duration.ofHours(3)), ZoneOffset.UTC))
                .issue("7", Duration.ofHours(1));
        String forged = TestConfig.issuer("another-secret-of-at-least-32-bytes!!", Clock.systemUTC()).issue("7", Duration.ofHours(1));
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

    static List<HostileToken> badIdentityProviderTokens() {
        return HostileTokens.against(idp, "7");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badIdentityProviderTokens")
    void shouldAnswer401JsonAndWriteNothingForATokenTheIdentityProviderDidNotIssueAsItIs(HostileToken token) throws Exception {
        String before = count("article");

        Response response = idpApp.http().as(token.token()).post("/articles", ARTICLE);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(response.json().get("error").asText()).isNotBlank();
        assertThat(count("article")).isEqualTo(before);
    }

    @Test
    void shouldAcceptRs256AndEs256TokensOfTheIdentityProviderWithTheWriterFromTheirSubject() {
        Response rsa = idpApp.http().as(idp.token("rsa-1", "31")).post("/articles", ARTICLE);
        Response ec = idpApp.http().as(idp.token("ec-1", "32")).post("/articles", ARTICLE);

        assertThat(rsa.status()).isEqualTo(201);
        assertThat(rsa.json().get("writerId").asLong()).isEqualTo(31);
        assertThat(ec.status()).isEqualTo(201);
        assertThat(ec.json().get("writerId").asLong()).isEqualTo(32);
    }

    @Test
    void shouldRefuseAnIdentityProviderSubjectThatIsNotAUserId() {
        Response response = idpApp.http().as(idp.token("rsa-1", "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"))
                .post("/articles", ARTICLE);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json().get("error").asText())
                .isEqualTo("bearer token subject must be a user id (a positive integer)");
    }

    @Test
    void shouldFetchTheKeySetAgainForAnUnknownKeyButNotOnceMorePerMadeUpKey() {
        try (TestIdentityProvider own = TestIdentityProvider.start(); TestApp ownApp = TestApp.start(rarelyRefreshed(own), 1)) {
            JsonHttp http = ownApp.http();
            assertThat(http.as(own.token("rsa-1", "7")).post("/articles", ARTICLE).status()).isEqualTo(201);
            assertThat(own.fetches()).isEqualTo(1);

            Response unknown = http.as(TestIdentityProvider.sign(TestIdentityProvider.rsaKey("rsa-unknown"),
                    TestIdentityProvider.claims("7").build())).post("/articles", ARTICLE);
            assertThat(unknown.status()).isEqualTo(401);
            assertThat(own.fetches()).as("fetched again for the key it did not have").isEqualTo(2);

            for (int i = 0; i < 50; i++) {
                String madeUp = TestIdentityProvider.sign(TestIdentityProvider.ecKey("made-up-" + i),
                        TestIdentityProvider.claims("7").build());
                assertThat(http.as(madeUp).post("/articles", ARTICLE).status()).isEqualTo(401);
            }
            assertThat(own.fetches()).as("a flood of made-up key ids does not reach the identity provider").isEqualTo(2);
        }
    }

    @Test
    void shouldAcceptAKeyRotatedInAtTheIdentityProviderAndRefuseTheRetiredOneOnceFetchedAgain() {
        try (TestIdentityProvider own = TestIdentityProvider.start(); TestApp ownApp = TestApp.start(rarelyRefreshed(own), 1)) {
            JsonHttp http = ownApp.http();
            String retired = own.token("rsa-1", "7");
            assertThat(http.as(retired).post("/articles", ARTICLE).status()).isEqualTo(201);

            own.publish(TestIdentityProvider.rsaKey("rsa-2"), own.key("ec-1"));
            Response rotated = http.as(own.token("rsa-2", "7")).post("/articles", ARTICLE);

            assertThat(rotated.status()).isEqualTo(201);
            assertThat(own.fetches()).isEqualTo(2);
            assertThat(http.as(retired).post("/articles", ARTICLE).status()).isEqualTo(401);
        }
    }

    @Test
    void shouldAnswer503WhenTheIdentityProviderCannotBeReached() {
        TestIdentityProvider gone = TestIdentityProvider.start();
        String token = gone.token("rsa-1", "7");
        gone.close();
        try (TestApp goneApp = TestApp.start(gone.settings(), 1)) {
            Response response = goneApp.http().as(token).post("/articles", ARTICLE);

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.header("Retry-After")).isEqualTo("1");
            assertThat(response.json().get("error").asText())
                    .isEqualTo("the identity provider's keys are unavailable, try again later");
        }
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

    // fetched again at most twice an hour: whatever a test sees fetched is what the verifier asked for itself
    private static Map<String, String> rarelyRefreshed(TestIdentityProvider own) {
        Map<String, String> settings = new HashMap<>(own.settings());
        settings.put("JWT_JWKS_MIN_REFRESH_INTERVAL", "1h");
        settings.put("JWT_JWKS_CACHE_TTL", "2h");
        return settings;
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
