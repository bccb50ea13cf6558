package dev.boardcqrs.command;

import dev.boardcqrs.command.auth.Tokens;
import dev.boardcqrs.common.config.Env;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** command-api as the integration tests run it: a free port, a known JWT secret, tokens for any user. */
final class TestConfig {
    static final String JWT_SECRET = "integration-tests-secret-0123456789abcdef";
    private static final Tokens TOKENS = new Tokens(JWT_SECRET, Clock.systemUTC());

    private TestConfig() {
    }

    static CommandApiConfig commandApi(Map<String, String> overrides) {
        Map<String, String> variables = new HashMap<>(Map.of("COMMAND_API_PORT", "0", "JWT_SECRET", JWT_SECRET));
        variables.putAll(overrides);
        return CommandApiConfig.fromEnv(new Env(variables));
    }

    static String token(long userId) {
        return TOKENS.issue(userId, Duration.ofHours(1));
    }
}
