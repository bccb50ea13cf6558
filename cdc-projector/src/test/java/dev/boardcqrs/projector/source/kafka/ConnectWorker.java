package dev.boardcqrs.projector.source.kafka;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.boardcqrs.embedded.JsonHttp;
import java.time.Duration;
import java.util.Map;

/** The tests' Kafka Connect worker, over its REST API: runs a connector until its task runs. */
final class ConnectWorker {
    private final JsonHttp connect;

    ConnectWorker(String url) {
        this.connect = new JsonHttp(url);
    }

    /** Registers (or reconfigures) connector {@code name} and waits until its task runs. */
    void run(String name, Map<String, String> settings) {
        // a worker that has just joined its group may still answer 409 (rebalancing) for a moment
        await().atMost(Duration.ofSeconds(60)).until(() -> registered(name, settings));
        await().atMost(Duration.ofSeconds(120)).until(() -> taskState(name).equals("RUNNING"));
    }

    /** Removes connector {@code name}: its binlog reader stops. */
    void remove(String name) {
        connect.delete("/connectors/" + name);
    }

    /** Registers the connector; false while the worker asks to come back later (409, rebalancing). */
    private boolean registered(String name, Map<String, String> settings) {
        JsonHttp.Response answer = connect.put("/connectors/" + name + "/config", JsonHttp.toJson(settings));
        if (answer.status() == 400) {
            throw new AssertionError("Kafka Connect refused the configuration: " + answer.body());
        }
        return answer.status() / 100 == 2;
    }

    private String taskState(String name) {
        JsonNode tasks = connect.get("/connectors/" + name + "/status").json().path("tasks");
        if (tasks.path(0).path("state").asText().equals("FAILED")) {
            throw new AssertionError("the connector's task failed: " + tasks.path(0).path("trace").asText());
        }
        return tasks.path(0).path("state").asText("none");
    }
}
