package dev.boardcqrs.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.boardcqrs.common.config.Env;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** HS256 tokens as the token command and the launcher issue them, and everything else a verifier must refuse. */
class JwtVerifierTest {
    private static final String SECRET = "a-test-secret-of-at-least-32-bytes!!";
    private static final JwtSettings SETTINGS = settings(Map.of("JWT_SECRET", SECRET));
    private static final JwtSettings WITH_ISSUER = settings(Map.of("JWT_SECRET", SECRET,
            "JWT_ISSUER", "https://board.example", "JWT_AUDIENCE", "command-api"));

    private final JwtVerifier verifier = new JwtVerifier(SETTINGS);

    @Test
    void shouldNameTheSubjectAndRolesOfATokenItsIssuerSigned() {
        String token = new HmacTokenIssuer(SETTINGS, Clock.systemUTC()).issue("42", List.of("operator"), Duration.ofMinutes(5));

        VerifiedPrincipal principal = verifier.verify(token);

        assertThat(principal.subject()).isEqualTo("42");
        assertThat(principal.hasRole("operator")).isTrue();
        assertThat(verifier.verify(issuer(SETTINGS).issue("7", Duration.ofMinutes(5))).roles()).isEmpty();
    }

    @Test
    void shouldRefuseExpiredTokensAfterThirtySecondsOfClockSkew() {
        Instant now = Instant.now();
        String expiredLongAgo = new HmacTokenIssuer(SETTINGS, Clock.fixed(now.minus(Duration.ofHours(2)), ZoneOffset.UTC))
                .issue("7", Duration.ofHours(1));
        String expiredJustNow = new HmacTokenIssuer(SETTINGS, Clock.fixed(now.minusSeconds(70), ZoneOffset.UTC))
                .issue("7", Duration.ofSeconds(60));

        assertRefused(expiredLongAgo, "bearer token rejected: Expired JWT");
        assertThat(verifier.verify(expiredJustNow).subject()).isEqualTo("7");
    }

    @Test
    void shouldRefuseATokenBeforeItsNotBeforeTime() throws Exception {
        Instant now = Instant.now();
        String early = sign(JWSAlgorithm.HS256, SECRET, claims("7").notBeforeTime(Date.from(now.plusSeconds(120))).build());

        assertRefused(early, "bearer token rejected: JWT before use time");
    }

    @Test
    void shouldRefuseTokensWithoutSubjectOrExpiry() throws Exception {
        Instant now = Instant.now();
        String noSubject = sign(JWSAlgorithm.HS256, SECRET,
                new JWTClaimsSet.Builder().expirationTime(Date.from(now.plusSeconds(60))).build());
        String noExpiry = sign(JWSAlgorithm.HS256, SECRET, new JWTClaimsSet.Builder().subject("7").build());

        assertRefused(noSubject, "bearer token rejected: JWT missing required claims: [sub]");
        assertRefused(noExpiry, "bearer token rejected: JWT missing required claims: [exp]");
    }

    @Test
    void shouldRefuseAnotherSecretAndATamperedPayload() throws Exception {
        String forged = sign(JWSAlgorithm.HS256, "another-secret-that-is-long-enough-too", claims("7").build());
        String[] valid = issuer(SETTINGS).issue("7", Duration.ofMinutes(5)).split("\\.");
        String tampered = valid[0] + "." + encode("{\"sub\":\"1\",\"exp\":9999999999}") + "." + valid[2];

        assertRefused(forged, "bearer token signature is invalid");
        assertRefused(tampered, "bearer token signature is invalid");
    }

    @Test
    void shouldRefuseUnsignedTokensAndEveryAlgorithmButHs256() throws Exception {
        String payload = issuer(SETTINGS).issue("7", Duration.ofMinutes(5)).split("\\.")[1];
        String unsigned = encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + payload + ".";
        // signed with the right secret, but HS512 is not what the settings accept
        String hs512 = sign(JWSAlgorithm.HS512, SECRET + SECRET, claims("7").build());
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("k1").generate();
        SignedJWT rs256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims("7").build());
        rs256.sign(new RSASSASigner(rsa));

        assertRefused(unsigned, "malformed bearer token: it must be a signed JWT");
        assertRefused(hs512, "bearer token must be signed with HS256, not HS512");
        assertRefused(rs256.serialize(), "bearer token must be signed with HS256, not RS256");
        assertRefused("x.y.z", "malformed bearer token: it must be a signed JWT");
    }

    @Test
    void shouldRequireTheConfiguredIssuerAndAudience() throws Exception {
        JwtVerifier strict = new JwtVerifier(WITH_ISSUER);
        String matching = issuer(WITH_ISSUER).issue("7", Duration.ofMinutes(5));
        String otherIssuer = sign(JWSAlgorithm.HS256, SECRET,
                claims("7").issuer("https://evil.example").audience("command-api").build());
        String otherAudience = sign(JWSAlgorithm.HS256, SECRET,
                claims("7").issuer("https://board.example").audience("query-api").build());
        String noAudience = sign(JWSAlgorithm.HS256, SECRET, claims("7").issuer("https://board.example").build());

        assertThat(strict.verify(matching).subject()).isEqualTo("7");
        assertThatThrownBy(() -> strict.verify(otherIssuer)).hasMessage("bearer token rejected: JWT iss claim value rejected");
        assertThatThrownBy(() -> strict.verify(otherAudience)).hasMessage("bearer token rejected: JWT aud claim rejected");
        assertThatThrownBy(() -> strict.verify(noAudience)).hasMessage("bearer token rejected: JWT missing required aud claim");
    }

    @Test
    void shouldRefuseRolesThatAreNotAListOfStrings() throws Exception {
        String token = sign(JWSAlgorithm.HS256, SECRET, claims("7").claim("roles", "operator").build());

        assertRefused(token, "bearer token claim roles must be a list of strings");
    }

    private void assertRefused(String token, String message) {
        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOf(InvalidTokenException.class)
                .hasMessage(message)
                .extracting(e -> ((InvalidTokenException) e).status()).isEqualTo(401);
    }

    private static JwtSettings settings(Map<String, String> variables) {
        return JwtSettings.fromEnv(new Env(variables));
    }

    private static HmacTokenIssuer issuer(JwtSettings settings) {
        return new HmacTokenIssuer(settings, Clock.systemUTC());
    }

    private static JWTClaimsSet.Builder claims(String subject) {
        return new JWTClaimsSet.Builder().subject(subject).expirationTime(Date.from(Instant.now().plusSeconds(300)));
    }

    private static String sign(JWSAlgorithm algorithm, String secret, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
