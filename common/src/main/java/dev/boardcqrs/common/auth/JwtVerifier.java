package dev.boardcqrs.common.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.web.ApiException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies bearer tokens with nimbus-jose-jwt: HS256 with {@code JWT_SECRET}, RS256 and ES256 with the keys an
 * identity provider publishes at {@code JWT_JWKS_URL}. The algorithm picks the key source, so an HS256 token is
 * only ever checked against the secret and never against a public key (the "alg confusion" attack), and a token
 * without a signature ({@code alg: none}) is not a JWS at all. Keys named in the token itself ({@code jwk},
 * {@code jku}, {@code x5u}) are ignored.
 *
 * <p>The key set is cached ({@code JWT_JWKS_CACHE_TTL}) and fetched again when a token names a key id it lacks, so
 * a key the provider rotated in is accepted at once; but at most twice per {@code JWT_JWKS_MIN_REFRESH_INTERVAL},
 * so a flood of tokens with made-up key ids cannot turn into a flood of requests to the provider. Cached keys keep
 * working through a provider outage for ten cache lifetimes.
 */
public final class JwtVerifier implements TokenVerifier {
    private static final Logger log = LoggerFactory.getLogger(JwtVerifier.class);
    private static final List<JWSAlgorithm> PUBLIC_KEY_ALGORITHMS = List.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
    // clocks of the issuer and of this service may differ a little
    private static final int CLOCK_SKEW_SECONDS = 30;
    // how long requests wait for a key set fetch already under way before they fail
    private static final long JWKS_FETCH_WAIT_MILLIS = 5_000;
    static final String ROLES_CLAIM = "roles";

    private final Set<JWSAlgorithm> accepted;
    private final String accepting;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public JwtVerifier(JwtSettings settings) {
        JWSKeySelector<SecurityContext> hmac = settings.secret() == null ? null
                : new JWSVerificationKeySelector<>(JWSAlgorithm.HS256,
                        new ImmutableSecret<>(settings.secret().getBytes(StandardCharsets.UTF_8)));
        JWSKeySelector<SecurityContext> jwks = settings.jwksUrl() == null ? null
                : new JWSVerificationKeySelector<>(Set.copyOf(PUBLIC_KEY_ALGORITHMS), identityProviderKeys(settings));
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        if (hmac != null) {
            algorithms.add(JWSAlgorithm.HS256);
        }
        if (jwks != null) {
            algorithms.addAll(PUBLIC_KEY_ALGORITHMS);
        }
        this.accepted = Set.copyOf(algorithms);
        this.accepting = algorithms.stream().map(JWSAlgorithm::getName).collect(Collectors.joining(", "));
        processor.setJWSKeySelector((header, context) -> {
            JWSKeySelector<SecurityContext> selector = JWSAlgorithm.HS256.equals(header.getAlgorithm()) ? hmac : jwks;
            return selector == null ? List.of() : selector.selectJWSKeys(header, context);
        });
        // "JWT" or none, and "at+jwt" for identity providers that issue access tokens as RFC 9068 says
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT,
                new JOSEObjectType("at+jwt"), null));
        JWTClaimsSet exactMatch = settings.issuer() == null ? null
                : new JWTClaimsSet.Builder().issuer(settings.issuer()).build();
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                settings.audience() == null ? null : Set.of(settings.audience()), exactMatch, Set.of("sub", "exp"), null);
        claims.setMaxClockSkew(CLOCK_SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);
    }

    @Override
    public VerifiedPrincipal verify(String token) {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new InvalidTokenException("malformed bearer token: it must be a signed JWT");
        }
        JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
        if (!accepted.contains(algorithm)) {
            throw new InvalidTokenException("bearer token must be signed with " + accepting + ", not " + algorithm);
        }
        try {
            JWTClaimsSet claims = processor.process(jwt, null);
            return new VerifiedPrincipal(claims.getSubject(), roles(claims));
        } catch (BadJWSException e) {
            throw new InvalidTokenException("bearer token signature is invalid");
        } catch (BadJOSEException e) {
            // the claims (expired, not yet valid, issuer, audience, missing), the type, or no key for the key id
            throw new InvalidTokenException("bearer token rejected: " + e.getMessage());
        } catch (RateLimitReachedException e) {
            // the key set was fetched again moments ago and did not have this key either
            throw new InvalidTokenException("bearer token is signed with a key the identity provider does not publish");
        } catch (KeySourceException e) {
            log.warn("cannot get the identity provider's keys: {}", e.getMessage());
            throw ApiException.unavailable("the identity provider's keys are unavailable, try again later");
        } catch (JOSEException e) {
            throw new InvalidTokenException("bearer token cannot be verified: " + e.getMessage());
        }
    }

    private static JWKSource<SecurityContext> identityProviderKeys(JwtSettings settings) {
        return JWKSourceBuilder.<SecurityContext>create(url(settings))
                .cache(settings.jwksCacheTtl().toMillis(), JWKS_FETCH_WAIT_MILLIS)
                .refreshAheadCache(false)
                .rateLimited(settings.jwksMinRefreshInterval().toMillis())
                .outageTolerant(true)
                .build();
    }

    private static Set<String> roles(JWTClaimsSet claims) {
        Object value = claims.getClaim(ROLES_CLAIM);
        if (value == null) {
            return Set.of();
        }
        if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new InvalidTokenException("bearer token claim " + ROLES_CLAIM + " must be a list of strings");
        }
        return list.stream().map(String.class::cast).collect(Collectors.toSet());
    }

    private static URL url(JwtSettings settings) {
        try {
            return settings.jwksUrl().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("JWT_JWKS_URL " + Env.redacted(settings.jwksUrl().toString())
                    + " is not a URL", e);
        }
    }
}
