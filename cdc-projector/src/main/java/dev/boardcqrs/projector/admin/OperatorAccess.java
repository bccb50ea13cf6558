package dev.boardcqrs.projector.admin;

import dev.boardcqrs.common.auth.JwtSettings;
import dev.boardcqrs.common.config.ConfigException;
import dev.boardcqrs.common.config.Env;

/**
 * Who may run the projector's admin actions (rebuild, replay, dead-letter retry), read from the environment: the
 * holder of {@code PROJECTOR_ADMIN_TOKEN}, and the bearers of a JWT (the {@code JWT_*} settings command-api reads)
 * whose {@code roles} claim holds {@code PROJECTOR_OPERATOR_ROLE}. With neither configured the admin actions are
 * refused: an open rebuild button would let anyone who reaches the port empty the read side's caches at will.
 */
public record OperatorAccess(String adminToken, JwtSettings jwt, String operatorRole) {

    /** Long enough that guessing over HTTP is hopeless; the launcher makes 43 characters (32 random bytes). */
    public static final int MIN_ADMIN_TOKEN_LENGTH = 24;

    public OperatorAccess {
        if (adminToken != null && adminToken.length() < MIN_ADMIN_TOKEN_LENGTH) {
            throw new ConfigException("PROJECTOR_ADMIN_TOKEN must be at least " + MIN_ADMIN_TOKEN_LENGTH
                    + " characters long (for example: openssl rand -base64 32)");
        }
        if (operatorRole == null || operatorRole.isBlank()) {
            throw new ConfigException("PROJECTOR_OPERATOR_ROLE must name the role an operator's JWT carries");
        }
    }

    public static OperatorAccess fromEnv(Env env) {
        boolean jwtConfigured = env.string("JWT_SECRET", null) != null || env.string("JWT_JWKS_URL", null) != null;
        return new OperatorAccess(
                env.string("PROJECTOR_ADMIN_TOKEN", null),
                jwtConfigured ? JwtSettings.fromEnv(env) : null,
                env.string("PROJECTOR_OPERATOR_ROLE", "operator"));
    }

    /** False when no credential could ever be accepted, so the admin actions are off. */
    public boolean enabled() {
        return adminToken != null || jwt != null;
    }

    @Override
    public String toString() {
        // never print the token
        return "OperatorAccess[adminToken=" + (adminToken == null ? "none" : "***") + ", jwt="
                + (jwt == null ? "none" : jwt) + ", operatorRole=" + operatorRole + "]";
    }
}
