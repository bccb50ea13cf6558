package dev.boardcqrs.common.auth;

/**
 * Checks a bearer token and says whom it speaks for. Services call it on every protected request; what it returns
 * comes only from a token whose signature, issuer, audience and validity were checked.
 */
public interface TokenVerifier {

    /** The caller a valid token names; {@link InvalidTokenException} (401) for any other token. */
    VerifiedPrincipal verify(String token);
}
