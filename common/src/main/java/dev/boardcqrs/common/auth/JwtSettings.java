package dev.boardcqrs.common.auth;

import dev.boardcqrs.common.config.ConfigException;
import dev.boardcqrs.common.config.Env;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Which bearer tokens a service accepts, read from the environment: HS256 tokens signed with {@code JWT_SECRET}
 * (issued by the {@code token} command and the launcher), RS256/ES256 tokens signed with the keys an identity
 * provider publishes at {@code JWT_JWKS_URL}, or both. Issuer and audience are required with a JWKS URL: any
 * tenant of a shared identity provider can get a token signed with its keys, and only {@code iss} and {@code aud}
 * say the token was meant for this service.
 */
public record JwtSettings(
        String secret,
        URI jwksUrl,
        String issuer,
        String audience,
        Duration jwksCacheTtl,
        Duration jwksMinRefreshInterval) {

    /** HS256 needs a key at least as long as its 256-bit hash (RFC 7518, 3.2). */
    public static final int MIN_SECRET_BYTES = 32;

    public JwtSettings {
        if (secret == null && jwksUrl == null) {
            throw new ConfigException("JWT_SECRET or JWT_JWKS_URL is required: JWT_SECRET is the HS256 secret of "
                    + "tokens issued here (at least " + MIN_SECRET_BYTES + " bytes), JWT_JWKS_URL the key set of an "
                    + "identity provider");
        }
        if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new ConfigException("JWT_SECRET must be at least " + MIN_SECRET_BYTES + " bytes long");
        }
        if (jwksUrl != null && issuer == null) {
            throw new ConfigException("JWT_ISSUER is required with JWT_JWKS_URL: the iss claim of the identity "
                    + "provider's tokens, such as https://idp.example.com/realms/board");
        }
        if (jwksUrl != null && audience == null) {
            throw new ConfigException("JWT_AUDIENCE is required with JWT_JWKS_URL: the aud claim the identity "
                    + "provider puts in tokens meant for this service, such as its client id");
        }
        if (jwksMinRefreshInterval.toMillis() < 1) {
            throw new ConfigException("JWT_JWKS_MIN_REFRESH_INTERVAL must be at least 1ms, but was "
                    + jwksMinRefreshInterval);
        }
        if (jwksCacheTtl.compareTo(jwksMinRefreshInterval) <= 0) {
            throw new ConfigException("JWT_JWKS_CACHE_TTL (" + jwksCacheTtl + ") must be longer than "
                    + "JWT_JWKS_MIN_REFRESH_INTERVAL (" + jwksMinRefreshInterval + ")");
        }
    }

    public static JwtSettings fromEnv(Env env) {
        return new JwtSettings(
                env.string("JWT_SECRET", null),
                url(env.string("JWT_JWKS_URL", null)),
                env.string("JWT_ISSUER", null),
                env.string("JWT_AUDIENCE", null),
                env.duration("JWT_JWKS_CACHE_TTL", Duration.ofMinutes(5)),
                env.duration("JWT_JWKS_MIN_REFRESH_INTERVAL", Duration.ofSeconds(30)));
    }

    private static URI url(String value) {
        if (value == null) {
            return null;
        }
        try {
            URI url = new URI(value);
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && url.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // answered below
        }
        throw new ConfigException("JWT_JWKS_URL must be an http:// or https:// URL, such as "
                + "https://idp.example.com/realms/board/protocol/openid-connect/certs, but was '" + value + "'");
    }

    @Override
    public String toString() {
        // never print the secret
        return "JwtSettings[secret=" + (secret == null ? "none" : "***") + ", jwksUrl=" + (jwksUrl == null ? "none" : Env.redacted(jwksUrl.toString()))
                + ", issuer=" + issuer + ", audience=" + audience + ", jwksCacheTtl=" + jwksCacheTtl
                + ", jwksMinRefreshInterval=" + jwksMinRefreshInterval + "]";
    }
}
