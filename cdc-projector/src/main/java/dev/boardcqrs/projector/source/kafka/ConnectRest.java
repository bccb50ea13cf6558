package dev.boardcqrs.projector.source.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector's position through Kafka Connect's REST API (KIP-875): {@code PUT .../stop}, wait for STOPPED (the
 * worker alters a source connector's offsets only then), {@code PATCH .../offsets}, {@code PUT .../resume}.
 */
public final class ConnectRest implements ConnectorPosition {
    private static final Logger log = LoggerFactory.getLogger(ConnectRest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    // the task commits its offsets and closes its binlog client first
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final String url;
    private final String connector;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();

    /** {@code url}: the REST API, {@code http://host:port}; {@code connector}: the connector's name there. */
    public ConnectRest(String url, String connector) {
        this.url = url;
        this.connector = connector;
    }

    @Override
    public void restartFrom(Map<String, ?> partition, Map<String, ?> offset) {
        String path = "/connectors/" + connector;
        HttpResponse<String> stop = send("PUT", path + "/stop", "");
        if (stop.statusCode() == 404) {
            throw new IllegalArgumentException("Kafka Connect at " + url + " has no connector " + connector
                    + " (KAFKA_CONNECTOR_NAME)");
        }
        expectSuccess(stop, "stop the connector");
        try {
            awaitStopped(path);
            String body = json(Map.of("offsets", List.of(Map.of("partition", partition, "offset", offset))));
            HttpResponse<String> set = send("PATCH", path + "/offsets", body);
            if (set.statusCode() / 100 == 4) {
                throw new IllegalArgumentException("Kafka Connect refused the offset " + json(offset) + ": "
                        + error(set));
            }
            expectSuccess(set, "set the connector's offset");
        } catch (RuntimeException e) {
            try {
                resume(path); // where it was: a failed replay must not leave the connector stopped
            } catch (RuntimeException notResumed) {
                e.addSuppressed(notResumed);
            }
            throw e;
        }
        resume(path);
        log.warn("connector {} at {} reads the binlog again from {}", connector, url, json(offset));
    }

    private void resume(String path) {
        expectSuccess(send("PUT", path + "/resume", ""), "run the connector again");
    }

    private void awaitStopped(String path) {
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> status = send("GET", path + "/status", null);
            state = read(status.body()).path("connector").path("state").asText("");
            if (state.equals("STOPPED")) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while connector " + connector + " stops", e);
            }
        }
        throw new IllegalStateException("connector " + connector + " did not stop within " + STOP_TIMEOUT.toSeconds()
                + " s (state " + state + ")");
    }

    private HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach Kafka Connect at " + url + " (KAFKA_CONNECT_URL): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Kafka Connect at " + url, e);
        }
    }

    private void expectSuccess(HttpResponse<String> response, String what) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("Kafka Connect at " + url + " could not " + what + " (" + connector + "): "
                    + response.statusCode() + " " + error(response));
        }
    }

    /** Kafka Connect's own message ({"error_code":..,"message":..}), else the body. */
    private static String error(HttpResponse<String> response) {
        JsonNode message = read(response.body()).path("message");
        return message.isTextual() ? message.asText() : response.body();
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (JsonProcessingException e) {
            return JSON.createObjectNode();
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value + " as JSON", e);
        }
    }
}
