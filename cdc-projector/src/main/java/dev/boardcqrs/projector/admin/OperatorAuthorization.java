package dev.boardcqrs.projector.admin;

import dev.boardcqrs.common.auth.BearerAuthentication;
import dev.boardcqrs.common.auth.InvalidTokenException;
import dev.boardcqrs.common.auth.JwtVerifier;
import dev.boardcqrs.common.auth.TokenVerifier;
import dev.boardcqrs.common.auth.VerifiedPrincipal;
import dev.boardcqrs.common.web.ApiException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * Lets an admin action through only for an operator: the bearer of the admin token, or of a valid JWT with the
 * operator role. No or a bad credential is 401, a valid JWT without the role 403. Admin handlers call it first.
 */
public final class OperatorAuthorization {
    /** Whom the admin token speaks for, in logs. */
    public static final String ADMIN_TOKEN_SUBJECT = "admin-token";

    private final OperatorAccess access;
    private final BearerAuthentication bearer;

    public OperatorAuthorization(OperatorAccess access) {
        this.access = access;
        this.bearer = new BearerAuthentication(verifier(access));
    }

    public VerifiedPrincipal requireOperator(Context ctx) {
        if (!access.enabled()) {
            throw ApiException.forbidden("admin actions are disabled: start cdc-projector with PROJECTOR_ADMIN_TOKEN, "
                    + "or with JWT_SECRET or JWT_JWKS_URL for operator tokens");
        }
        VerifiedPrincipal principal = bearer.principal(ctx);
        if (!principal.hasRole(access.operatorRole())) {
            throw ApiException.forbidden("this action needs the role '" + access.operatorRole()
                    + "' in the token's roles claim");
        }
        return principal;
    }

    private static TokenVerifier verifier(OperatorAccess access) {
        TokenVerifier jwt = access.jwt() == null ? null : new JwtVerifier(access.jwt());
        byte[] adminToken = access.adminToken() == null ? null : access.adminToken().getBytes(StandardCharsets.UTF_8);
        VerifiedPrincipal admin = new VerifiedPrincipal(ADMIN_TOKEN_SUBJECT, Set.of(access.operatorRole()));
        return token -> {
            // constant time, so the answer's timing does not tell how much of a guess was right
            if (adminToken != null && MessageDigest.isEqual(adminToken, token.getBytes(StandardCharsets.UTF_8))) {
                return admin;
            }
            if (jwt != null && looksLikeJwt(token)) {
                return jwt.verify(token);
            }
            throw new InvalidTokenException(jwt == null ? "bearer token is not the projector's admin token"
                    : "bearer token is neither the projector's admin token nor a signed JWT");
        };
    }

    private static boolean looksLikeJwt(String token) {
        return token.chars().filter(c -> c == '.').count() == 2;
    }
}
