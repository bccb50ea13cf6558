package dev.boardcqrs.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.common.config.ConfigException;
import dev.boardcqrs.common.config.Env;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JwtSettingsTest {
    private static final String SECRET = "a-test-secret-of-at-least-32-bytes!!";
    private static final Map<String, String> IDP = Map.of("JWT_JWKS_URL", "https://idp.example/certs",
            "JWT_ISSUER", "https://idp.example", "JWT_AUDIENCE", "command-api");

    @Test
    void shouldAcceptASecretAJwksUrlOrBoth() {
        assertThat(read(Map.of("JWT_SECRET", SECRET)).jwksUrl()).isNull();
        assertThat(read(IDP).secret()).isNull();
        assertThat(read(with(IDP, "JWT_SECRET", SECRET)).jwksUrl()).hasToString("https://idp.example/certs");
    }

    @Test
    void shouldSayWhatIsMissingOrWrong() {
        assertRejected(Map.of(), "JWT_SECRET or JWT_JWKS_URL is required: JWT_SECRET is the HS256 secret of tokens "
                + "issued here (at least 32 bytes), JWT_JWKS_URL the key set of an identity provider");
        assertRejected(Map.of("JWT_SECRET", "short"), "JWT_SECRET must be at least 32 bytes long");
        assertRejected(with(IDP, "JWT_ISSUER", ""), "JWT_ISSUER is required with JWT_JWKS_URL: the iss claim of the "
                + "identity provider's tokens, such as https://idp.example.com/realms/board");
        assertRejected(with(IDP, "JWT_AUDIENCE", " "), "JWT_AUDIENCE is required with JWT_JWKS_URL: the aud claim the "
                + "identity provider puts in tokens meant for this service, such as its client id");
        assertRejected(with(IDP, "JWT_JWKS_URL", "idp.example/certs"), "JWT_JWKS_URL must be an http:// or https:// "
                + "URL, such as https://idp.example.com/realms/board/protocol/openid-connect/certs, but was "
                + "'idp.example/certs'");
        assertRejected(with(IDP, "JWT_JWKS_CACHE_TTL", "30s"),
                "JWT_JWKS_CACHE_TTL (PT30S) must be longer than JWT_JWKS_MIN_REFRESH_INTERVAL (PT30S)");
    }

    @Test
    void shouldNeverPrintTheSecret() {
        assertThat(read(with(IDP, "JWT_SECRET", SECRET)).toString()).doesNotContain(SECRET).contains("secret=***");
    }

    private static JwtSettings read(Map<String, String> variables) {
        return JwtSettings.fromEnv(new Env(variables));
    }

    private static void assertRejected(Map<String, String> variables, String message) {
        assertThatThrownBy(() -> read(variables)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    private static Map<String, String> with(Map<String, String> variables, String name, String value) {
        Map<String, String> copy = new HashMap<>(variables);
        copy.put(name, value);
        return copy;
    }
}
