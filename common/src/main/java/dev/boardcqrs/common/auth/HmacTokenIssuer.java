package dev.boardcqrs.common.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;

/**
 * Issues HS256 bearer tokens signed with {@code JWT_SECRET}, carrying the issuer and audience the verifiers of
 * the same settings expect: for the {@code token} command, the launcher's token for user 1, and tests.
 */
public final class HmacTokenIssuer {
    private final MACSigner signer;
    private final String issuer;
    private final String audience;
    private final Clock clock;

    public HmacTokenIssuer(JwtSettings settings, Clock clock) {
        if (settings.secret() == null) {
            throw new IllegalArgumentException("issuing tokens needs JWT_SECRET");
        }
        try {
            this.signer = new MACSigner(settings.secret().getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("JWT_SECRET is too short for HS256", e);
        }
        this.issuer = settings.issuer();
        this.audience = settings.audience();
        this.clock = clock;
    }

    public String issue(String subject, Duration validFor) {
        return issue(subject, List.of(), validFor);
    }

    /** A token for {@code subject} with these roles, valid from now for {@code validFor}. */
    public String issue(String subject, Collection<String> roles, Duration validFor) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(validFor)))
                .issuer(issuer)
                .audience(audience);
        if (!roles.isEmpty()) {
            claims.claim(JwtVerifier.ROLES_CLAIM, List.copyOf(roles));
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
                claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("HS256 signing failed", e);
        }
        return jwt.serialize();
    }
}
