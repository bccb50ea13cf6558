package dev.boardcqrs.common.auth;

import dev.boardcqrs.common.web.ApiException;

/** A missing, malformed, forged, expired or otherwise unacceptable bearer token: answered 401. */
public final class InvalidTokenException extends ApiException {

    public InvalidTokenException(String message) {
        super(401, message);
    }
}
