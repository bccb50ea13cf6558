package dev.boardcqrs.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Kafka Connect worker in distributed mode, with the Debezium MariaDB and MySQL connectors on its classpath, REST
 * on a free loopback port, working against one {@link EmbeddedKafka} broker, in a JVM of its own (the embedded-kafka
 * "dist" jar again: Connect's Jetty 12.0 and Jersey never meet the services' Jetty 12.1). Its internal topics
 * (configs, offsets, status) have one replica, as the broker has one node. Connectors are registered through its REST
 * API; {@code ${env:NAME}} in their settings reads this JVM's environment, as in the shipped connector file.
 */
public final class EmbeddedKafkaConnect implements AutoCloseable {
    /** A worker scans its classpath for plugins and joins its group: 10 to 30 s on a 2-vCPU VM. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    /** A connector's snapshot starts with its task; reading the schema takes a few seconds. */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final DistProcess worker;
    private final int port;

    private EmbeddedKafkaConnect(DistProcess worker, int port) {
        this.worker = worker;
        this.port = port;
    }

    /** Starts a worker on {@code kafka} and waits until its REST API lists connectors. */
    public static EmbeddedKafkaConnect start(EmbeddedKafka kafka) {
        EmbeddedKafkaConnect connect = new EmbeddedKafkaConnect(new DistProcess("Kafka Connect", EmbeddedKafka.DIST,
                EmbeddedKafka.JVM_OPTIONS, EmbeddedKafka.MAIN_CLASS), FreePort.find());
        Path properties = connect.home().resolve("worker.properties");
        connect.worker.startReady(() -> {
            Files.writeString(properties, connect.workerProperties(kafka.bootstrapServers()));
            return List.of("connect", properties.toString());
        }, START_TIMEOUT, connect::listsConnectors, connect.url() + " (broker " + kafka.bootstrapServers() + ")");
        return connect;
    }

    private String workerProperties(String bootstrapServers) {
        return String.join("\n",
                "bootstrap.servers=" + bootstrapServers,
                "group.id=board-cqrs-connect",
                "listeners=http://127.0.0.1:" + port,
                "rest.advertised.host.name=127.0.0.1",
                "rest.advertised.port=" + port,
                "config.storage.topic=board-cqrs-connect-configs",
                "config.storage.replication.factor=1",
                "offset.storage.topic=board-cqrs-connect-offsets",
                "offset.storage.replication.factor=1",
                "offset.storage.partitions=1",
                "status.storage.topic=board-cqrs-connect-status",
                "status.storage.replication.factor=1",
                "status.storage.partitions=1",
                // the connector's source offsets (binlog positions) are committed every second, not every minute
                "offset.flush.interval.ms=1000",
                // change events as JSON, each with its schema
                "key.converter=org.apache.kafka.connect.json.JsonConverter",
                "value.converter=org.apache.kafka.connect.json.JsonConverter",
                // ${env:CDC_DATABASE_PASSWORD} in a connector's settings reads this worker's environment
                "config.providers=env",
                "config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                "");
    }

    private boolean listsConnectors() throws IOException, InterruptedException {
        HttpResponse<String> connectors = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/connectors"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return connectors.statusCode() == 200;
    }

    /**
     * Registers (or reconfigures) connector {@code name} through the REST API and waits until its task runs.
     *
     * @throws IllegalStateException when the worker refuses the settings, the task fails, or it does not run in time
     */
    public void run(String name, Map<String, String> settings) {
        JsonHttp rest = new JsonHttp(url());
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        try {
            // a worker that has just joined its group answers 409 (rebalancing) for a moment
            worker.await(RUN_TIMEOUT, () -> registered(rest, name, settings), "taking connector " + name);
            worker.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
                    () -> taskState(rest, name).equals("RUNNING"), "running connector " + name + "'s task");
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Removes connector {@code name}: its task stops. */
    public void remove(String name) {
        new JsonHttp(url()).delete("/connectors/" + name);
    }

    /** The source offsets connector {@code name} has committed, as the REST API answers them (JSON). */
    public String offsets(String name) {
        return new JsonHttp(url()).get("/connectors/" + name + "/offsets").body();
    }

    /** Stops connector {@code name} (its task ends; it stays registered) and waits until it has. */
    public void stop(String name) {
        JsonHttp rest = new JsonHttp(url());
        try {
            worker.await(RUN_TIMEOUT, () -> rest.put("/connectors/" + name + "/stop", "").status() / 100 == 2
                    && connectorState(rest, name).equals("STOPPED"), "stopping connector " + name);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Stops connector {@code name}, sets its source offsets to {@code offsets} (as {@link #offsets} answered them) and
     * runs it again: it reads on from there, so what it sent after them it sends again, as a restart after a crash
     * between two offset commits does.
     */
    public void restartFrom(String name, String offsets) {
        JsonHttp rest = new JsonHttp(url());
        try {
            worker.await(RUN_TIMEOUT, () -> rest.put("/connectors/" + name + "/stop", "").status() / 100 == 2
                    && connectorState(rest, name).equals("STOPPED"), "stopping connector " + name);
            JsonHttp.Response set = rest.send("PATCH", "/connectors/" + name + "/offsets", offsets);
            if (set.status() / 100 != 2) {
                throw new IllegalStateException("Kafka Connect did not set connector " + name + "'s offsets: "
                        + set.body());
            }
            rest.put("/connectors/" + name + "/resume", "");
            worker.await(RUN_TIMEOUT, () -> taskState(rest, name).equals("RUNNING"),
                    "running connector " + name + "'s task again");
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static String connectorState(JsonHttp rest, String name) {
        return rest.get("/connectors/" + name + "/status").json().path("connector").path("state").asText("none");
    }

    private static boolean registered(JsonHttp rest, String name, Map<String, String> settings) {
        JsonHttp.Response answer = rest.put("/connectors/" + name + "/config", JsonHttp.toJson(settings));
        if (answer.status() == 400) {
            throw new IllegalStateException("Kafka Connect refused connector " + name + ": " + answer.body());
        }
        return answer.status() / 100 == 2;
    }

    private static String taskState(JsonHttp rest, String name) {
        JsonNode task = rest.get("/connectors/" + name + "/status").json().path("tasks").path(0);
        if (task.path("state").asText().equals("FAILED")) {
            throw new IllegalStateException("connector " + name + "'s task failed: " + task.path("trace").asText());
        }
        return task.path("state").asText("none");
    }

    public int port() {
        return port;
    }

    /** The REST API, {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Its libraries and log, removed by {@link #close()}. */
    public Path home() {
        return worker.home();
    }

    /** Stops the worker (SIGTERM: it stops its connectors and commits their offsets) and removes its directory. */
    @Override
    public void close() {
        worker.stop();
    }
}
