package dev.boardcqrs.command;

import static dev.boardcqrs.embedded.JsonHttp.toJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.common.auth.HostileTokens;
import dev.boardcqrs.common.auth.HostileTokens.HostileToken;
import dev.boardcqrs.common.auth.TestIdentityProvider;
import dev.boardcqrs.embedded.EmbeddedMariaDb;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.JsonHttp.Response;
import dev.boardcqrs.embedded.SharedServers;
import io.javalin.Javalin;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Hundreds of generated bad requests against every write endpoint: each gets a 4xx JSON answer, none a 5xx,
 * and afterwards the database tables and Redis are exactly as before (compared by checksum).
 */
class HostileInputIT {
    private static final long WRITER = 7;

    private static EmbeddedDatabase database;
    private static RedisClient redis;
    private static TestApp app;
    private static JsonHttp anonymous;
    private static TestIdentityProvider idp;
    // also accepts the identity provider's RS256/ES256 tokens, on the same tables and Redis namespace
    private static TestApp idpApp;
    private static long articleId;
    private static long commentId;

    @BeforeAll
    static void start() {
        database = SharedServers.database();
        app = TestApp.start(Map.of("REDIS_NAMESPACE", "hostile"), 4);
        redis = app.redis();
        anonymous = app.http();
        JsonHttp writer = anonymous.as(TestConfig.token(WRITER));
        articleId = writer.post("/articles", toJson(Map.of("boardId", 1, "title", "target", "content", "c")))
                .json().get("articleId").asLong();
        commentId = writer.post("/articles/" + articleId + "/comments", toJson(Map.of("content", "c")))
                .json().get("commentId").asLong();
        writer.post("/articles/" + articleId + "/likes", "");
        idp = TestIdentityProvider.start();
        Map<String, String> idpSettings = new HashMap<>(idp.settings());
        idpSettings.put("REDIS_NAMESPACE", "hostile");
        idpApp = TestApp.start(idpSettings, 2);
    }

    @AfterAll
    static void stop() {
        app.close();
        idpApp.close();
        idp.close();
    }

    @Test
    void shouldAnswerEveryBadRequestWith4xxJsonAndChangeNothing() throws Exception {
        List<BadRequest> requests = new ArrayList<>();
        requests.addAll(badAuthentication());
        requests.addAll(badPathIds());
        requests.addAll(badBodies());
        assertThat(requests).hasSizeGreaterThanOrEqualTo(200);
        String databaseBefore = databaseChecksum();
        String redisBefore = redisChecksum();

        List<String> wrong = wronglyAnswered(anonymous, requests, status -> status >= 400 && status < 500);

        assertThat(wrong).as("requests not answered with a 4xx JSON error").isEmpty();
        assertThat(databaseChecksum()).isEqualTo(databaseBefore);
        assertThat(redisChecksum()).isEqualTo(redisBefore);
    }

    @Test
    void shouldAnswerEveryTokenTheIdentityProviderDidNotIssueAsItIsWith401JsonAndChangeNothing() throws Exception {
        List<HostileToken> tokens = HostileTokens.against(idp, Long.toString(WRITER));
        List<BadRequest> requests = new ArrayList<>();
        for (Endpoint endpoint : endpoints()) {
            for (HostileToken token : tokens) {
                requests.add(new BadRequest(endpoint.method(), endpoint.path(String.valueOf(articleId),
                        String.valueOf(commentId)), endpoint.validBody(), "Authorization", "Bearer " + token.token()));
            }
        }
        String databaseBefore = databaseChecksum();
        String redisBefore = redisChecksum();

        List<String> wrong = wronglyAnswered(idpApp.http(), requests, status -> status == 401);

        assertThat(wrong).as("tokens not answered with a 401 JSON error").isEmpty();
        assertThat(databaseChecksum()).isEqualTo(databaseBefore);
        assertThat(redisChecksum()).isEqualTo(redisBefore);
    }

    /** Sends every request; returns those answered with a status {@code expected} refuses or without a JSON error. */
    private static List<String> wronglyAnswered(JsonHttp client, List<BadRequest> requests, IntPredicate expected) {
        List<String> wrong = new ArrayList<>();
        for (BadRequest request : requests) {
            Response response;
            try {
                response = client.send(request.method(), request.path(), request.body(), request.headers());
            } catch (RuntimeException e) {
                throw new AssertionError("no answer to " + request.describe(), e);
            }
            if (!expected.test(response.status()) || !isJsonError(response)) {
                wrong.add(request.describe() + " -> " + response.status() + " " + abbreviate(response.body()));
            }
        }
        return wrong;
    }

    @Test
    void shouldAnswer503WithRetryAfterInsteadOfQueueingWhenThePoolIsExhausted() throws Exception {
        try (HikariDataSource onePool = Database.pool(database.jdbcUrl(), EmbeddedDatabase.APP_USER,
                EmbeddedDatabase.APP_PASSWORD, 1, Duration.ofMillis(300))) {
            Javalin small = CommandApp.create(TestConfig.commandApi(Map.of("REDIS_NAMESPACE", "hostile")), onePool, redis)
                    .start();
            try (Connection held = onePool.getConnection()) { // a slow request holding the only connection
                Response response = TestApp.http(small).as(TestConfig.token(WRITER))
                        .post("/articles", toJson(Map.of("boardId", 1, "title", "t", "content", "c")));

                assertThat(response.status()).isEqualTo(503);
                assertThat(response.header("Retry-After")).isEqualTo("1");
                assertThat(response.json().get("error").asText()).isEqualTo("database is unavailable, try again later");
            } finally {
                small.stop();
            }
        }
    }

    /** Every endpoint with every kind of missing, broken or forged credential. */
    private static List<BadRequest> badAuthentication() {
        String valid = TestConfig.token(WRITER);
        String[] parts = valid.split("\\.");
        String expired = TestConfig.issuer(TestConfig.JWT_SECRET,
                Clock.fixed(Instant.now().minus(Duration.ofDays(1)), ZoneOffset.UTC)).issue(Long.toString(WRITER), Duration.ofHours(1));
        String forged = TestConfig.issuer("not-the-secret-but-long-enough-for-hs256", Clock.systemUTC())
                .issue(Long.toString(WRITER), Duration.ofHours(1));
        List<String[]> headerSets = List.of(
                new String[0],
                new String[] {"Authorization", "Basic d3JpdGVyOnNlY3JldA=="},
                new String[] {"Authorization", "Bearer " + expired},
                new String[] {"Authorization", "Bearer " + forged},
                new String[] {"Authorization", "Bearer " + encode("{\"alg\":\"none\"}") + "." + parts[1] + "."},
                new String[] {"Authorization", "Bearer " + "A".repeat(6000)},
                new String[] {"Authorization", "Bearer ' OR '1'='1"},
                new String[] {"Authorization", "bearer\t" + valid + " trailing"},
                new String[] {"Authorization", "Bearer " + valid, "X-Filler", "x".repeat(20_000)});
        List<BadRequest> requests = new ArrayList<>();
        for (Endpoint endpoint : endpoints()) {
            for (String[] headers : headerSets) {
                requests.add(new BadRequest(endpoint.method(), endpoint.path(String.valueOf(articleId), String.valueOf(commentId)),
                        endpoint.validBody(), headers));
            }
        }
        return requests;
    }

    /** Every id in every path, malformed: signs, zero, overflow, other scripts' digits, SQL, encodings. */
    private static List<BadRequest> badPathIds() {
        List<String> ids = List.of("0", "-1", "abc", "1.5", "99999999999999999999", "%D9%A1", "1%3BDROP%20TABLE%20article",
                "%00", "1e3", "0x10", "%20" + 1);
        String[] auth = {"Authorization", "Bearer " + TestConfig.token(WRITER)};
        List<BadRequest> requests = new ArrayList<>();
        for (Endpoint endpoint : endpoints()) {
            if (!endpoint.template().contains("{")) {
                continue;
            }
            for (String id : ids) {
                requests.add(new BadRequest(endpoint.method(), endpoint.path(id, id), endpoint.validBody(), auth));
            }
        }
        return requests;
    }

    /** Every endpoint that reads a body, with broken JSON, wrong types, out-of-range and hostile values. */
    private static List<BadRequest> badBodies() {
        String[] auth = {"Authorization", "Bearer " + TestConfig.token(WRITER)};
        List<String> anyBody = List.of("", "{", "[]", "null", "42", "\"text\"", "{\"title\": }", "{'title':'t'}",
                "{\"title\":\"a\",\"title\":\"b\",\"content\":\"c\",\"boardId\":1}",
                "{\"boardId\":1,\"title\":\"t\",\"content\":\"c\"" + " ".repeat(10) + "garbage",
                "x".repeat(600 * 1024));
        // bad for POST /articles only: PUT does not read boardId
        List<String> badBoards = List.of(
                "{\"boardId\":\"1\",\"title\":\"t\",\"content\":\"c\"}",
                "{\"boardId\":1.5,\"title\":\"t\",\"content\":\"c\"}",
                "{\"boardId\":true,\"title\":\"t\",\"content\":\"c\"}",
                "{\"boardId\":[1],\"title\":\"t\",\"content\":\"c\"}",
                "{\"boardId\":-1,\"title\":\"t\",\"content\":\"c\"}",
                "{\"boardId\":0,\"title\":\"t\",\"content\":\"c\"}",
                "{\"boardId\":1e400,\"title\":\"t\",\"content\":\"c\"}",
                "{\"boardId\":99999999999999999999,\"title\":\"t\",\"content\":\"c\"}",
                "{\"boardId\":\"1 OR 1=1\",\"title\":\"'; DROP TABLE article; --\",\"content\":\"c\"}",
                "{\"title\":\"t\",\"content\":\"c\"}");
        // bad for both POST /articles and PUT /articles/{id}
        List<String> badTexts = List.of(
                "{\"boardId\":1,\"title\":5,\"content\":\"c\"}",
                "{\"boardId\":1,\"title\":\"\",\"content\":\"c\"}",
                "{\"boardId\":1,\"title\":\"\\u3000\\u2003 \",\"content\":\"c\"}",
                "{\"boardId\":1,\"title\":\"\\uD800\",\"content\":\"c\"}",
                "{\"boardId\":1,\"title\":\"ok\\uDC00\",\"content\":\"c\"}",
                "{\"boardId\":1,\"title\":\"t\\u0000\",\"content\":\"c\"}",
                "{\"boardId\":1,\"title\":null,\"content\":\"c\"}",
                "{\"boardId\":1,\"title\":\"" + "\uD83D\uDE00".repeat(201) + "\",\"content\":\"c\"}",
                "{\"boardId\":1,\"title\":\"t\",\"content\":\"" + "é".repeat(32 * 1024 + 1) + "\"}",
                "{\"boardId\":1,\"title\":\"t\",\"content\":{\"nested\":true}}",
                "{\"boardId\":1,\"title\":\"'; DROP TABLE article; --\"}",
                "{\"boardId\":1,\"content\":\"x' OR '1'='1\"}");
        List<String> commentBodies = List.of(
                "{\"content\":\"\"}", "{\"content\":7}", "{\"content\":\"\\uD800\"}", "{}",
                "{\"content\":\"c\",\"parentCommentId\":\"x\"}", "{\"content\":\"c\",\"parentCommentId\":-5}",
                "{\"content\":\"c\",\"parentCommentId\":999999999}", "{\"content\":\"c\",\"parentCommentId\":1.5}",
                "{\"content\":\"" + "a".repeat(64 * 1024 + 1) + "\"}");
        // the display tree: each body is bad for the endpoint it is listed with
        Map<String, List<String>> catalogBodies = Map.of(
                "POST /catalogs", List.of("{\"name\":\"\"}", "{\"name\":5}", "{\"name\":\"x\",\"parentId\":\"1\"}",
                        "{\"name\":\"x\",\"parentId\":0}", "{\"name\":\"x\",\"displayOrder\":-1}",
                        "{\"name\":\"x\",\"displayOrder\":1.5}", "{\"name\":\"x\",\"displayOrder\":99999999999}",
                        "{\"name\":\"" + "a".repeat(101) + "\"}"),
                "PUT /catalogs/1/order", List.of("{}", "{\"displayOrder\":\"1\"}", "{\"displayOrder\":null}"),
                "PUT /catalogs/1/parent", List.of("{}", "{\"parentId\":-1}", "{\"parentId\":\"x\"}"),
                "POST /products", List.of("{\"catalogId\":1,\"name\":\"p\"}", "{\"catalogId\":1,\"name\":\"p\",\"price\":-1}",
                        "{\"catalogId\":1,\"name\":\"p\",\"price\":\"1\"}", "{\"catalogId\":1,\"name\":\"p\",\"price\":1e400}",
                        "{\"catalogId\":1,\"name\":\"p\",\"price\":1,\"status\":\"FREE\"}",
                        "{\"catalogId\":1,\"name\":\"p\",\"price\":1,\"status\":5}",
                        "{\"catalogId\":0,\"name\":\"p\",\"price\":1}", "{\"catalogId\":1,\"name\":null,\"price\":1}"),
                "PUT /products/1/status", List.of("{}", "{\"status\":\"on_sale\"}", "{\"status\":null}"),
                "PUT /products/1/catalog", List.of("{}", "{\"catalogId\":\"1\"}"));
        List<BadRequest> requests = new ArrayList<>();
        catalogBodies.forEach((endpoint, bodies) -> {
            String[] methodAndPath = endpoint.split(" ");
            for (String body : bodies) {
                requests.add(new BadRequest(methodAndPath[0], methodAndPath[1], body, auth));
            }
            for (String body : anyBody) {
                requests.add(new BadRequest(methodAndPath[0], methodAndPath[1], body, auth));
            }
        });
        String article = "/articles/" + articleId;
        for (String body : anyBody) {
            requests.add(new BadRequest("POST", "/articles", body, auth));
            requests.add(new BadRequest("PUT", article, body, auth));
            requests.add(new BadRequest("POST", article + "/comments", body, auth));
        }
        for (String body : badBoards) {
            requests.add(new BadRequest("POST", "/articles", body, auth));
        }
        for (String body : badTexts) {
            requests.add(new BadRequest("POST", "/articles", body, auth));
            requests.add(new BadRequest("PUT", article, body, auth));
        }
        for (String body : commentBodies) {
            requests.add(new BadRequest("POST", article + "/comments", body, auth));
        }
        return requests;
    }

    /** The write endpoints, each with a body that would be accepted, so only the broken part can be the cause. */
    private static List<Endpoint> endpoints() {
        String article = toJson(Map.of("boardId", 1, "title", "t", "content", "c"));
        return List.of(
                new Endpoint("POST", "/articles", article),
                new Endpoint("PUT", "/articles/{a}", toJson(Map.of("title", "t", "content", "c"))),
                new Endpoint("DELETE", "/articles/{a}", null),
                new Endpoint("POST", "/articles/{a}/comments", toJson(Map.of("content", "c"))),
                new Endpoint("DELETE", "/comments/{c}", null),
                new Endpoint("POST", "/articles/{a}/likes", ""),
                new Endpoint("DELETE", "/articles/{a}/likes/{c}", null),
                new Endpoint("POST", "/articles/{a}/views", ""),
                new Endpoint("POST", "/catalogs", toJson(Map.of("name", "n"))),
                new Endpoint("PUT", "/catalogs/{a}/name", toJson(Map.of("name", "n"))),
                new Endpoint("PUT", "/catalogs/{a}/order", toJson(Map.of("displayOrder", 1))),
                new Endpoint("PUT", "/catalogs/{a}/parent", "{\"parentId\":null}"),
                new Endpoint("DELETE", "/catalogs/{a}", null),
                new Endpoint("POST", "/products", toJson(Map.of("catalogId", 1, "name", "n", "price", 1))),
                new Endpoint("PUT", "/products/{a}", toJson(Map.of("name", "n", "price", 1))),
                new Endpoint("PUT", "/products/{a}/status", toJson(Map.of("status", "SOLD_OUT"))),
                new Endpoint("PUT", "/products/{a}/catalog", toJson(Map.of("catalogId", 1))),
                new Endpoint("DELETE", "/products/{a}", null));
    }

    private record Endpoint(String method, String template, String validBody) {
        String path(String articleId, String otherId) {
            return template.replace("{a}", articleId).replace("{c}", otherId);
        }
    }

    private record BadRequest(String method, String path, String body, String... headers) {
        String describe() {
            return method + " " + path + " " + abbreviate(body) + " " + abbreviate(String.join(" ", headers));
        }
    }

    private static boolean isJsonError(Response response) {
        try {
            return response.json().path("error").isTextual();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String databaseChecksum() throws Exception {
        StringBuilder checksum = new StringBuilder();
        try (Connection connection = database.connectAsRoot();
             ResultSet rs = connection.createStatement().executeQuery(
                     "CHECKSUM TABLE article, comment, article_like, article_view_count, catalog, product")) {
            while (rs.next()) {
                checksum.append(rs.getString(1)).append('=').append(rs.getString(2)).append(';');
            }
        }
        return checksum.toString();
    }

    // Only this app's namespace: keys other test classes left with a TTL may expire while this test runs.
    private static String redisChecksum() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (String key : new TreeSet<>(redis.keys("hostile:*"))) {
            digest.update(key.getBytes(StandardCharsets.UTF_8));
            byte[] value = redis.dump(key);
            digest.update(value == null ? new byte[0] : value);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
