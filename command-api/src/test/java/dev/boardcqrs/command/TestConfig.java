package dev.boardcqrs.command;

import dev.boardcqrs.common.auth.HmacTokenIssuer;
import dev.boardcqrs.common.auth.JwtSettings;
import dev.boardcqrs.common.config.Env;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** command-api as the integration tests run it: a free port, a known JWT secret, tokens for any user. */
final class TestConfig {
    static final String JWT_SECRET = "integration-tests-secret-0123456789abcdef";
    private static final HmacTokenIssuer TOKENS = issuer(JWT_SECRET, Clock.systemUTC());

    private TestConfig() {
    }

    static CommandApiConfig commandApi(Map<String, String> overrides) {
        Map<String, String> variables = new HashMap<>(Map.of("COMMAND_API_PORT", "0", "JWT_SECRET", JWT_SECRET));
        variables.putAll(overrides);
        return CommandApiConfig.fromEnv(new Env(variables));
    }

    static String token(long userId) {
        return TOKENS.issue(Long.toString(userId), Duration.ofHours(1));
    }

    /** HS256 tokens signed with {@code secret} at the time {@code clock} says: forged or expired ones, say. */
    static HmacTokenIssuer issuer(String secret, Clock clock) {
        return new HmacTokenIssuer(JwtSettings.fromEnv(new Env(Map.of("JWT_SECRET", secret))), clock);
    }
}
