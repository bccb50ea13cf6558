package dev.boardcqrs.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.common.auth.HmacTokenIssuer;
import dev.boardcqrs.common.auth.JwtSettings;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SharedServers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The projector's admin actions against the real servers: without a credential or with a wrong one they answer
 * 401 with a Bearer challenge, a valid JWT without the operator role 403, and the admin token or an operator's
 * JWT gets the action done. Status, health and metrics stay open.
 */
class AdminAuthorizationIT {
    private static final String ADMIN_TOKEN = "admin-authorization-test-token-0123456789";
    private static final String SECRET = "admin-authorization-test-jwt-secret-0123456789";

    private static RedisClient redis;
    private static Projector projector;
    private static JsonHttp http;

    @BeforeAll
    static void startProjector() throws Exception {
        Path data = Files.createTempDirectory("projector-admin");
        ProjectorConfig config = ProjectorConfig.fromEnv(new Env(Map.of(
                "DATABASE_URL", SharedServers.database().jdbcUrl(),
                "REDIS_URL", SharedServers.redis().url(),
                "REDIS_NAMESPACE", "adminauth",
                "PROJECTOR_PORT", "0",
                "PROJECTOR_ADMIN_TOKEN", ADMIN_TOKEN,
                "JWT_SECRET", SECRET,
                "PROJECTOR_OFFSET_FILE", data.resolve("offsets.dat").toString(),
                "PROJECTOR_SCHEMA_HISTORY_FILE", data.resolve("history.dat").toString())));
        redis = RedisClient.create(URI.create(SharedServers.redis().url()));
        projector = new Projector(config, redis).start();
        assertThat(projector.status().awaitStarted(Duration.ofSeconds(60))).isTrue();
        http = new JsonHttp("http://127.0.0.1:" + projector.port());
    }

    @AfterAll
    static void stopProjector() {
        if (projector != null) {
            projector.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void shouldAnswer401WithABearerChallengeToAdminActionsWithoutACredential() {
        for (String path : List.of("/rebuild", "/replay?from=gtid:x", "/deadletters/retry")) {
            JsonHttp.Response answer = http.post(path, "");
            assertThat(answer.status()).as(path).isEqualTo(401);
            assertThat(answer.header("WWW-Authenticate")).as(path).isEqualTo("Bearer");
            assertThat(answer.json().path("error").asText()).as(path).contains("bearer token is required");
        }
    }

    @Test
    void shouldAnswer401ToAWrongAdminTokenAndAForgedJwt() {
        assertThat(http.as(ADMIN_TOKEN + "x").post("/rebuild", "").status()).isEqualTo(401);
        JsonHttp.Response forged = retryWith(jwt("another-secret-of-at-least-thirty-two-bytes", "operator"));
        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.json().path("error").asText()).contains("signature");
    }

    @Test
    void shouldAnswer403ToAValidJwtWithoutTheOperatorRole() {
        JsonHttp.Response writer = retryWith(jwt(SECRET, "writer"));
        assertThat(writer.status()).isEqualTo(403);
        assertThat(writer.json().path("error").asText()).contains("'operator'");
    }

    @Test
    void shouldLetAnOperatorJwtRetryDeadLetters() {
        JsonHttp.Response operator = retryWith(jwt(SECRET, "operator"));
        assertThat(operator.status()).as(operator.body()).isEqualTo(200);
        assertThat(operator.json().has("applied")).isTrue();
    }

    @Test
    void shouldLetTheAdminTokenRebuild() {
        JsonHttp.Response answer = http.as(ADMIN_TOKEN).post("/rebuild", "");
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        String generation = answer.json().path("generation").asText();
        await().atMost(Duration.ofSeconds(60)).until(() ->
                generation.equals(http.get("/status").json().path("generation").asText()));
    }

    @Test
    void shouldKeepStatusHealthAndMetricsOpen() {
        assertThat(http.get("/status").status()).isEqualTo(200);
        assertThat(http.get("/health").status()).isEqualTo(200);
        assertThat(http.get("/metrics").status()).isEqualTo(200);
        assertThat(http.get("/deadletters").status()).isEqualTo(200);
    }

    private static JsonHttp.Response retryWith(String token) {
        return http.as(token).post("/deadletters/retry", "");
    }

    /** A token for "alice" with one role, signed with {@code secret}. */
    private static String jwt(String secret, String role) {
        return new HmacTokenIssuer(JwtSettings.fromEnv(new Env(Map.of("JWT_SECRET", secret))), Clock.systemUTC())
                .issue("alice", List.of(role), Duration.ofMinutes(5));
    }
}
