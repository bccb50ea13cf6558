package dev.boardcqrs.common.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * Tokens a verifier that trusts {@link TestIdentityProvider} (and an HS256 secret beside it) must refuse, each
 * named for what is wrong with it: the attacks on JWT verifiers that have worked against real libraries.
 */
public final class HostileTokens {

    private HostileTokens() {
    }

    /** One token and what is wrong with it; the name shows in test reports. */
    public record HostileToken(String name, String token) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Tokens for {@code subject} that look as if {@code idp} issued them, and are not acceptable. */
    public static List<HostileToken> against(TestIdentityProvider idp, String subject) {
        RSAKey published = (RSAKey) idp.key("rsa-1");
        ECKey publishedEc = (ECKey) idp.key("ec-1");
        RSAKey attacker = TestIdentityProvider.rsaKey("rsa-1");
        Instant now = Instant.now();
        String valid = idp.token("rsa-1", subject);
        String[] parts = valid.split("\\.");
        String es256 = idp.token("ec-1", subject);
        try {
            String publicPem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(published.toPublicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
            return List.of(
                    new HostileToken("expired an hour ago", TestIdentityProvider.sign(published,
                            TestIdentityProvider.claims(subject).expirationTime(Date.from(now.minusSeconds(3600))).build())),
                    new HostileToken("not valid for another ten minutes", TestIdentityProvider.sign(published,
                            TestIdentityProvider.claims(subject).notBeforeTime(Date.from(now.plusSeconds(600))).build())),
                    new HostileToken("from another issuer", TestIdentityProvider.sign(published,
                            TestIdentityProvider.claims(subject).issuer("https://evil.test/realms/board").build())),
                    new HostileToken("for another audience", TestIdentityProvider.sign(published,
                            TestIdentityProvider.claims(subject).audience("query-api").build())),
                    new HostileToken("without an audience", TestIdentityProvider.sign(published,
                            TestIdentityProvider.claims(subject).audience((String) null).build())),
                    new HostileToken("alg none naming a published key", encode("{\"alg\":\"none\",\"kid\":\"rsa-1\"}")
                            + "." + parts[1] + "."),
                    new HostileToken("signature stripped", parts[0] + "." + parts[1] + "."),
                    new HostileToken("payload changed after signing", parts[0] + "."
                            + encode("{\"sub\":\"1\",\"iss\":\"" + TestIdentityProvider.ISSUER + "\",\"aud\":\""
                            + TestIdentityProvider.AUDIENCE + "\",\"exp\":9999999999}") + "." + parts[2]),
                    new HostileToken("HS256 keyed with the RSA public key (X.509 DER)",
                            hmac(published.toPublicKey().getEncoded(), subject)),
                    new HostileToken("HS256 keyed with the RSA public key (PEM)",
                            hmac(publicPem.getBytes(StandardCharsets.US_ASCII), subject)),
                    new HostileToken("HS256 keyed with the RSA public key (JWK JSON)",
                            hmac(published.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8), subject)),
                    new HostileToken("HS256 keyed with the EC public key (JWK JSON)",
                            hmac(publishedEc.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8), subject)),
                    new HostileToken("signed by another key under a published key id",
                            TestIdentityProvider.sign(attacker, TestIdentityProvider.claims(subject).build())),
                    new HostileToken("signer's own key embedded in the header (jwk)", TestIdentityProvider.sign(
                            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").jwk(attacker.toPublicJWK()).build(),
                            attacker, TestIdentityProvider.claims(subject).build())),
                    new HostileToken("naming a key id the provider does not publish", TestIdentityProvider.sign(
                            TestIdentityProvider.rsaKey("rsa-unknown"), TestIdentityProvider.claims(subject).build())),
                    new HostileToken("RS256 header over an ES256 signature",
                            encode("{\"alg\":\"RS256\",\"kid\":\"ec-1\"}") + "." + es256.split("\\.")[1] + "."
                                    + es256.split("\\.")[2]),
                    new HostileToken("HS512, an algorithm not accepted", hs512(subject)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    // the "alg confusion" attack: a verifier that feeds whatever key it holds for the kid to the algorithm the
    // token names would check this HMAC with the public key's bytes, which everyone has
    private static String hmac(byte[] secret, String subject) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(),
                TestIdentityProvider.claims(subject).build());
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    private static String hs512(String subject) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS512), TestIdentityProvider.claims(subject).build());
        jwt.sign(new MACSigner("a-64-byte-secret-a-64-byte-secret-a-64-byte-secret-a-64-byte-sec".getBytes(StandardCharsets.US_ASCII)));
        return jwt.serialize();
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
