package dev.boardcqrs.command.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.boardcqrs.common.web.ApiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and verifies the bearer tokens of command-api: JWTs signed with HS256 and a secret from the
 * environment, whose subject is the user id. Only HS256 is accepted (never "none" or another algorithm),
 * the signature is compared in constant time, and an expiry is required.
 */
public final class Tokens {
    public static final int MIN_SECRET_BYTES = 32;
    private static final String HEADER = encode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    // clocks of the issuer and of command-api may differ a little
    private static final long LEEWAY_SECONDS = 30;

    private final SecretKeySpec key;
    private final Clock clock;

    public Tokens(String secret, Clock clock) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the JWT secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(bytes, "HmacSHA256");
        this.clock = clock;
    }

    public String issue(long userId, Duration validFor) {
        long now = clock.instant().getEpochSecond();
        String payload = encode(json(Map.of("sub", Long.toString(userId), "iat", now, "exp", now + validFor.toSeconds())));
        String signed = HEADER + "." + payload;
        return signed + "." + encode(sign(signed));
    }

    /** The user id of a valid token; 401 for anything else. */
    public long verify(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw unauthorized("malformed bearer token");
        }
        JsonNode header = decodeJson(parts[0]);
        if (!"HS256".equals(header.path("alg").asText())) {
            throw unauthorized("bearer token must be signed with HS256");
        }
        byte[] signature;
        try {
            signature = DECODER.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw unauthorized("malformed bearer token");
        }
        if (!MessageDigest.isEqual(signature, sign(parts[0] + "." + parts[1]))) {
            throw unauthorized("bearer token signature is invalid");
        }
        JsonNode claims = decodeJson(parts[1]);
        if (!claims.path("exp").canConvertToLong()
                || claims.path("exp").asLong() + LEEWAY_SECONDS < clock.instant().getEpochSecond()) {
            throw unauthorized("bearer token has expired");
        }
        long userId;
        try {
            userId = Long.parseLong(claims.path("sub").asText());
        } catch (NumberFormatException e) {
            throw unauthorized("bearer token subject must be a user id");
        }
        if (userId <= 0) {
            throw unauthorized("bearer token subject must be a user id");
        }
        return userId;
    }

    private byte[] sign(String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(content.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
        }
    }

    private static JsonNode decodeJson(String part) {
        try {
            JsonNode node = MAPPER.readTree(DECODER.decode(part));
            if (node == null || !node.isObject()) {
                throw unauthorized("malformed bearer token");
            }
            return node;
        } catch (IOException | IllegalArgumentException e) {
            throw unauthorized("malformed bearer token");
        }
    }

    private static byte[] json(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static ApiException unauthorized(String message) {
        return new ApiException(401, message);
    }
}
