package dev.boardcqrs.common.search;

import dev.boardcqrs.common.config.ConfigException;
import dev.boardcqrs.common.config.Env;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * Where the search engine (OpenSearch 2.x) is, read from the environment by cdc-projector and query-api:
 * {@code SEARCH_ENABLED} (by default {@code true} exactly when {@code SEARCH_URL} is set, so a deployment without a
 * search engine runs as before; the launcher turns it on and starts a node), {@code SEARCH_URL},
 * {@code SEARCH_USER} / {@code SEARCH_PASSWORD} (HTTP basic, both or neither) and {@code SEARCH_TIMEOUT}.
 */
public record SearchSettings(boolean enabled, URI url, String user, String password, Duration timeout) {

    public SearchSettings {
        if (enabled) {
            if (url == null || url.getHost() == null
                    || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
                throw new ConfigException("SEARCH_URL must be an http:// or https:// URL such as "
                        + "http://127.0.0.1:9200, but was '" + url + "'");
            }
            if ((user == null) != (password == null)) {
                throw new ConfigException("SEARCH_USER and SEARCH_PASSWORD go together: set both or neither");
            }
            if (timeout.toMillis() < 1) {
                throw new ConfigException("SEARCH_TIMEOUT must be at least 1ms, but was " + timeout);
            }
        }
    }

    /** No search: the projector keeps no index and query-api has no search route. */
    public static SearchSettings disabled() {
        return new SearchSettings(false, null, null, null, Duration.ofSeconds(5));
    }

    public static SearchSettings fromEnv(Env env) {
        String url = env.string("SEARCH_URL", null);
        boolean enabled = Boolean.parseBoolean(env.oneOf("SEARCH_ENABLED", Boolean.toString(url != null),
                Set.of("true", "false")));
        if (!enabled) {
            return disabled();
        }
        return new SearchSettings(true, url(url == null ? "http://127.0.0.1:9200" : url),
                env.string("SEARCH_USER", null), env.string("SEARCH_PASSWORD", null),
                env.duration("SEARCH_TIMEOUT", Duration.ofSeconds(5)));
    }

    private static URI url(String value) {
        try {
            URI url = URI.create(value);
            return value.endsWith("/") ? URI.create(value.substring(0, value.length() - 1)) : url;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("SEARCH_URL must be a URL such as http://127.0.0.1:9200, but was '" + value + "'");
        }
    }

    @Override
    public String toString() {
        // never print the password
        return enabled ? "SearchSettings[url=" + url + ", user=" + user + ", timeout=" + timeout + "]"
                : "SearchSettings[disabled]";
    }
}
