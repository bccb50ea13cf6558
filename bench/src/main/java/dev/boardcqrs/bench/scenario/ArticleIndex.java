package dev.boardcqrs.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.boardcqrs.common.search.ArticleSearchIndex;
import dev.boardcqrs.common.search.HttpSearchClient;
import dev.boardcqrs.common.search.SearchIndexes;
import dev.boardcqrs.launcher.DevStack;
import dev.boardcqrs.projector.search.SearchRefresher;
import java.util.HashMap;
import java.util.Map;

/**
 * The article index as the benchmark looks at it from the side, through the search engine's REST API (never
 * through the services): how many live documents it holds, how many refreshes it made and how long they took, and
 * its refresh interval, which the search scenario shortens for one freshness run and then gives back.
 */
final class ArticleIndex {
    private final HttpSearchClient client;
    private final String alias;

    ArticleIndex(DevStack stack) {
        this.client = new HttpSearchClient(stack.projectorConfig().search());
        this.alias = new SearchIndexes(stack.projectorConfig().namespace()).alias(ArticleSearchIndex.NAME);
    }

    /** Articles the index holds (tombstones left out), refreshed first so the count includes the last writes. */
    long liveDocuments() {
        client.send("POST", "/" + alias + "/_refresh", null);
        return client.get("/" + alias + "/_count?q=NOT%20" + ArticleSearchIndex.DELETED + ":true")
                .map(answer -> answer.path("count").asLong()).orElse(-1L);
    }

    /**
     * The index's refreshes so far (scheduled and asked for) and the milliseconds they took, summed (a refresh blocks
     * none, but delays the next).
     */
    record RefreshStats(long total, long millis) {
    }

    /** Both counts from one _stats answer, so they describe the same refreshes. */
    RefreshStats refreshStats() {
        JsonNode refresh = client.get("/" + alias + "/_stats/refresh").orElseThrow()
                .path("_all").path("total").path("refresh");
        return new RefreshStats(refresh.path("total").asLong(), refresh.path("total_time_in_millis").asLong());
    }

    /**
     * Sets the engine's own {@code index.refresh_interval}, beside the projector's refresher (once a second); null
     * gives back the projector's setting, a slow backstop ({@link SearchRefresher#ENGINE_INTERVAL}).
     */
    void refreshInterval(String interval) {
        Map<String, Object> index = new HashMap<>();
        index.put("refresh_interval", interval == null ? SearchRefresher.ENGINE_INTERVAL : interval);
        client.send("PUT", "/" + alias + "/_settings", Map.of("index", index));
    }
}
