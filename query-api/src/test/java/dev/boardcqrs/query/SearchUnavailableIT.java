package dev.boardcqrs.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.embedded.FreePort;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.query.readthrough.ArticleSource;
import io.javalin.Javalin;
import java.net.URI;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** query-api's search while the search engine is away: 503 JSON with Retry-After, and no route without search. */
class SearchUnavailableIT {

    @Test
    void shouldAnswer503WithRetryAfterWhileTheEngineIsAway() {
        String nobody = "http://127.0.0.1:" + FreePort.find();
        JsonHttp.Response answer = withApp(Map.of("SEARCH_URL", nobody), http -> http.get("/search/articles?q=x"));

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.header("Retry-After")).isEqualTo("1");
        assertThat(answer.json().path("error").asText()).contains("search engine is unavailable");
    }

    @Test
    void shouldHaveNoSearchRouteWithSearchDisabled() {
        JsonHttp.Response answer = withApp(Map.of("SEARCH_URL", "http://127.0.0.1:9", "SEARCH_ENABLED", "false"),
                http -> http.get("/search/articles?q=x"));

        assertThat(answer.status()).isEqualTo(404);
    }

    private static JsonHttp.Response withApp(Map<String, String> search, Function<JsonHttp, JsonHttp.Response> call) {
        Map<String, String> variables = new HashMap<>(search);
        variables.putAll(Map.of("QUERY_API_PORT", "0", "REDIS_NAMESPACE", "searchdown",
                "REDIS_URL", SharedServers.redis().url(), "QUERY_NEAR_CACHE_MB", "0"));
        QueryApiConfig config = QueryApiConfig.fromEnv(new Env(variables));
        try (RedisClient redis = RedisClient.create(URI.create(SharedServers.redis().url()))) {
            Javalin app = QueryApp.create(config, redis, new NoDatabase()).start();
            try {
                return call.apply(new JsonHttp("http://127.0.0.1:" + app.port()));
            } finally {
                app.stop();
            }
        }
    }

    /** The search fails before any article is read. */
    private static final class NoDatabase implements ArticleSource {
        @Override
        public Snapshot articles(Collection<Long> articleIds) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Long> articleIds(String column, long owner, long belowId, long offset, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long articleCount(String column, long owner) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<Long, Long> backedUpViewCounts(Collection<Long> articleIds) {
            throw new UnsupportedOperationException();
        }
    }
}
