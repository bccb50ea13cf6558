package dev.boardcqrs.common.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small identity provider for tests, as Keycloak or Auth0 look to a service: a JWKS endpoint on a loopback
 * port (the JDK's HTTP server) publishing the public halves of its keys, and tokens signed with them. Tests
 * rotate keys, count how often the key set was fetched, and forge tokens of every kind.
 */
public final class TestIdentityProvider implements AutoCloseable {
    public static final String ISSUER = "https://idp.test/realms/board";
    public static final String AUDIENCE = "command-api";

    private final HttpServer server;
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile List<JWK> published;

    private TestIdentityProvider(HttpServer server, List<JWK> published) {
        this.server = server;
        this.published = published;
    }

    /** Starts with one RSA key ({@code rsa-1}) and one EC P-256 key ({@code ec-1}) published. */
    public static TestIdentityProvider start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            TestIdentityProvider idp = new TestIdentityProvider(server, List.of(rsaKey("rsa-1"), ecKey("ec-1")));
            server.createContext("/certs", idp::serveKeys);
            server.start();
            return idp;
        } catch (IOException e) {
            throw new UncheckedIOException("test identity provider did not start", e);
        }
    }

    public static RSAKey rsaKey(String keyId) {
        try {
            return new RSAKeyGenerator(2048).keyID(keyId).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ECKey ecKey(String keyId) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(keyId).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The settings a service needs to accept this provider's tokens (and no HS256 secret). */
    public Map<String, String> settings() {
        return Map.of("JWT_JWKS_URL", jwksUrl(), "JWT_ISSUER", ISSUER, "JWT_AUDIENCE", AUDIENCE);
    }

    public String jwksUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/certs";
    }

    /** How many times the key set was fetched so far. */
    public int fetches() {
        return fetches.get();
    }

    /** The key published under {@code keyId} (with its private half, for signing). */
    public JWK key(String keyId) {
        return published.stream().filter(key -> key.getKeyID().equals(keyId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no key " + keyId));
    }

    /** From now on the key set holds exactly these keys, as after a rotation at the provider. */
    public void publish(JWK... keys) {
        published = List.of(keys);
    }

    /** Claims as the provider issues them for {@code subject}: issuer, audience, issued now, valid for an hour. */
    public static JWTClaimsSet.Builder claims(String subject) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience(AUDIENCE)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)));
    }

    /** A token for {@code subject} signed with the published key {@code keyId}. */
    public String token(String keyId, String subject) {
        return sign(key(keyId), claims(subject).build());
    }

    /** {@code claims} signed with {@code key} (RS256 for RSA, ES256 for EC), its key id in the header. */
    public static String sign(JWK key, JWTClaimsSet claims) {
        JWSAlgorithm algorithm = key instanceof RSAKey ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;
        return sign(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), key, claims);
    }

    /** {@code claims} signed with {@code key} under any header, for tokens that lie about themselves. */
    public static String sign(JWSHeader header, JWK key, JWTClaimsSet claims) {
        try {
            JWSSigner signer = key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private void serveKeys(HttpExchange exchange) throws IOException {
        fetches.incrementAndGet();
        // public halves only, as a real provider publishes
        byte[] body = new JWKSet(published).toString(true).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
