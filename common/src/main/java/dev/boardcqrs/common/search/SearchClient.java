package dev.boardcqrs.common.search;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * The search engine's REST API as the projector and query-api use it: JSON in, JSON out, its failures translated.
 * Paths are relative to the engine's URL ("/articles/_search").
 */
public interface SearchClient {

    /** The answer to a GET; empty when the engine answers 404 (no such index or document). */
    Optional<JsonNode> get(String path);

    /**
     * Sends {@code body} (a Jackson tree or any value Jackson writes; null for none) and answers the engine's JSON.
     *
     * @throws SearchRefusedException the engine answered 4xx: the request itself is wrong, sending it again won't do
     * @throws SearchUnavailableException the engine cannot be reached, timed out or answered 429 or 5xx
     */
    JsonNode send(String method, String path, Object body);

    /** A _bulk request: each element of {@code lines} one line of its NDJSON body. Throws as {@link #send}. */
    JsonNode bulk(String path, List<Object> lines);
}
