package dev.boardcqrs.command.auth;

import dev.boardcqrs.common.auth.BearerAuthentication;
import dev.boardcqrs.common.auth.InvalidTokenException;
import io.javalin.http.Context;
import java.util.regex.Pattern;

/** Finds the caller of a write: the user whose id is the request's bearer token's subject. Handlers call it first. */
public final class Authenticator {
    private static final Pattern USER_ID = Pattern.compile("[1-9][0-9]{0,17}");

    private final BearerAuthentication bearer;

    public Authenticator(BearerAuthentication bearer) {
        this.bearer = bearer;
    }

    public long userId(Context ctx) {
        String subject = bearer.principal(ctx).subject();
        if (subject == null || !USER_ID.matcher(subject).matches()) {
            throw new InvalidTokenException("bearer token subject must be a user id (a positive integer)");
        }
        return Long.parseLong(subject);
    }
}
