package dev.boardcqrs.command.auth;

import io.javalin.http.Context;

/** Finds the caller of a write: the subject of the request's bearer token. Handlers call it first. */
public final class Authenticator {
    private static final String PREFIX = "Bearer ";
    // a real token is a few hundred bytes; anything far larger is not worth decoding
    private static final int MAX_TOKEN_LENGTH = 4096;

    private final Tokens tokens;

    public Authenticator(Tokens tokens) {
        this.tokens = tokens;
    }

    public long userId(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw Tokens.unauthorized("a bearer token is required (Authorization: Bearer <token>)");
        }
        if (!header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw Tokens.unauthorized("Authorization must use the Bearer scheme");
        }
        String token = header.substring(PREFIX.length()).trim();
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw Tokens.unauthorized("malformed bearer token");
        }
        return tokens.verify(token);
    }
}
