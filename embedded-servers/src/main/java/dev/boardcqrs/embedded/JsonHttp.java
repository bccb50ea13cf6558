package dev.boardcqrs.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A small JSON client for the services' HTTP APIs, used by the launcher's smoke check and by tests. */
public final class JsonHttp {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String baseUrl;
    private final String bearerToken;
    private final AnswerCheck check;

    public JsonHttp(String baseUrl) {
        this(baseUrl, null, (method, path, response) -> { });
    }

    private JsonHttp(String baseUrl, String bearerToken, AnswerCheck check) {
        this.baseUrl = baseUrl;
        this.bearerToken = bearerToken;
        this.check = check;
    }

    /** The same client sending {@code Authorization: Bearer <token>} with every request. */
    public JsonHttp as(String token) {
        return new JsonHttp(baseUrl, token, check);
    }

    /** The same client handing every answer to {@code check} (a test's API contract, say) before returning it. */
    public JsonHttp checkedBy(AnswerCheck check) {
        return new JsonHttp(baseUrl, bearerToken, check);
    }

    public Response get(String path) {
        return send(builder(path).GET());
    }

    public Response post(String path, String json) {
        return send(builder(path).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response put(String path, String json) {
        return send(builder(path).PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response delete(String path) {
        return send(builder(path).DELETE());
    }

    /** Any request, with the given headers, for tests that need full control. */
    public Response send(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = builder(path).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request);
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json");
        return bearerToken == null ? builder : builder.header("Authorization", "Bearer " + bearerToken);
    }

    private Response send(HttpRequest.Builder request) {
        HttpRequest built = request.build();
        Response response = sendWithRetry(built);
        check.check(built.method(), built.uri().getRawPath(), response);
        return response;
    }

    private Response sendWithRetry(HttpRequest built) {
        try {
            return sendOnce(built);
        } catch (IOException e) {
            // A server closes the connection after some errors (a malformed request line, say). If the
            // client reused that pooled connection before noticing, the request never got an answer and
            // was never handled: send it once more on a fresh connection.
            if (!String.valueOf(e.getMessage()).contains("received no bytes")) {
                throw new UncheckedIOException(e);
            }
            try {
                return sendOnce(built);
            } catch (IOException again) {
                throw new UncheckedIOException(again);
            }
        }
    }

    private static Response sendOnce(HttpRequest request) throws IOException {
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers().map());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Looks at an answer as it arrives; throws (an AssertionError, in a test) when it is not acceptable. */
    @FunctionalInterface
    public interface AnswerCheck {
        void check(String method, String path, Response response);
    }

    /** A status and a body; {@link #json()} parses the body. */
    public record Response(int status, String body, Map<String, List<String>> headers) {
        public String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()).stream()
                    .findFirst().orElse(null);
        }

        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }

    /** Writes a value as JSON text, for request bodies built in code. */
    public static String toJson(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
