package dev.boardcqrs.projector.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.common.config.ConfigException;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.metrics.ServiceMetrics;
import dev.boardcqrs.common.web.HttpApps;
import dev.boardcqrs.embedded.JsonHttp;
import io.javalin.Javalin;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Who may run an admin action, on a bare HTTP app with one protected route and no servers behind it. */
class OperatorAuthorizationTest {
    private static final String ADMIN_TOKEN = "operator-authorization-test-token-012345";

    @Test
    void shouldRefuseEveryoneWithA403NamingTheSettingsWhenNoCredentialIsConfigured() {
        withProtectedRoute(Map.of(), http -> {
            JsonHttp.Response answer = http.as(ADMIN_TOKEN).post("/action", "");
            assertThat(answer.status()).isEqualTo(403);
            assertThat(answer.json().path("error").asText()).contains("PROJECTOR_ADMIN_TOKEN", "JWT_SECRET");
            return null;
        });
    }

    @Test
    void shouldLetTheAdminTokenThroughAndNoOtherBearer() {
        withProtectedRoute(Map.of("PROJECTOR_ADMIN_TOKEN", ADMIN_TOKEN), http -> {
            assertThat(http.as(ADMIN_TOKEN).post("/action", "").body()).isEqualTo(OperatorAuthorization.ADMIN_TOKEN_SUBJECT);
            JsonHttp.Response lookalike = http.as("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln").post("/action", "");
            assertThat(lookalike.status()).isEqualTo(401);
            assertThat(lookalike.json().path("error").asText()).contains("not the projector's admin token");
            assertThat(http.as(ADMIN_TOKEN.substring(1)).post("/action", "").status()).isEqualTo(401);
            assertThat(http.send("POST", "/action", "", "Authorization", "Basic " + ADMIN_TOKEN).status()).isEqualTo(401);
            return null;
        });
    }

    @Test
    void shouldRejectAnAdminTokenTooShortToBeSafeAtStartUp() {
        assertThatThrownBy(() -> OperatorAccess.fromEnv(new Env(Map.of("PROJECTOR_ADMIN_TOKEN", "secret"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("at least 24 characters");
    }

    @Test
    void shouldNeverPrintTheAdminToken() {
        assertThat(OperatorAccess.fromEnv(new Env(Map.of("PROJECTOR_ADMIN_TOKEN", ADMIN_TOKEN))).toString())
                .doesNotContain(ADMIN_TOKEN);
    }

    private static void withProtectedRoute(Map<String, String> environment, Function<JsonHttp, Void> test) {
        OperatorAuthorization operators = new OperatorAuthorization(OperatorAccess.fromEnv(new Env(environment)));
        Javalin app = HttpApps.create("127.0.0.1", 0, new ServiceMetrics("operator-test"),
                routes -> routes.post("/action", ctx -> ctx.result(operators.requireOperator(ctx).subject()))).start();
        try {
            test.apply(new JsonHttp("http://127.0.0.1:" + app.port()));
        } finally {
            app.stop();
        }
    }
}
