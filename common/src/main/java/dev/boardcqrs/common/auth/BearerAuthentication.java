package dev.boardcqrs.common.auth;

import io.javalin.http.Context;

/** Finds the caller of a request from its {@code Authorization: Bearer <token>} header. Handlers call it first. */
public final class BearerAuthentication {
    private static final String PREFIX = "Bearer ";
    // a real token is a few hundred bytes to a few KB (an identity provider's roles and groups); far larger is not
    // worth decoding
    private static final int MAX_TOKEN_LENGTH = 8192;

    private final TokenVerifier verifier;

    public BearerAuthentication(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    public VerifiedPrincipal principal(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw new InvalidTokenException("a bearer token is required (Authorization: Bearer <token>)");
        }
        if (!header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new InvalidTokenException("Authorization must use the Bearer scheme");
        }
        String token = header.substring(PREFIX.length()).trim();
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidTokenException("malformed bearer token");
        }
        return verifier.verify(token);
    }
}
