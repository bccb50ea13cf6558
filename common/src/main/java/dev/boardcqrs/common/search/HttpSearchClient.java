package dev.boardcqrs.common.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** {@link SearchClient} on java.net.http and Jackson: one HTTP/1.1 client, keep-alive, basic auth when configured. */
public final class HttpSearchClient implements SearchClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SearchSettings settings;
    private final HttpClient http;
    private final String authorization;

    public HttpSearchClient(SearchSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout()).build();
        this.authorization = settings.user() == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (settings.user() + ":" + settings.password()).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Optional<JsonNode> get(String path) {
        HttpResponse<String> response = exchange(request(path).GET(), path);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(answer(response));
    }

    @Override
    public JsonNode send(String method, String path, Object body) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(write(body));
        return answer(exchange(request(path).header("Content-Type", "application/json").method(method, publisher),
                path));
    }

    @Override
    public JsonNode bulk(String path, List<Object> lines) {
        StringBuilder body = new StringBuilder();
        for (Object line : lines) {
            body.append(write(line)).append('\n');
        }
        return answer(exchange(request(path).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())), path));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(settings.url() + path))
                .timeout(settings.timeout());
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder;
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request, String path) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SearchUnavailableException("search engine at " + settings.url() + " unreachable (" + path
                    + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SearchUnavailableException("interrupted while waiting for the search engine", e);
        }
    }

    private JsonNode answer(HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode body = read(response.body());
        if (status < 300) {
            return body;
        }
        JsonNode error = body.path("error");
        String type = error.isTextual() ? "error" : error.path("type").asText("status_" + status);
        String reason = error.isTextual() ? error.asText() : error.path("reason").asText(response.body());
        if (status == 429 || status >= 500) {
            throw new SearchUnavailableException("search engine answered " + status + " " + type + ": " + reason,
                    null);
        }
        throw new SearchRefusedException(status, type, reason);
    }

    private static JsonNode read(String body) {
        try {
            return body == null || body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return JSON.createObjectNode().put("error", body);
        }
    }

    private static String write(Object value) {
        try {
            return value instanceof String text ? text : JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value + " as JSON", e);
        }
    }
}
