package dev.boardcqrs.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A Kafka 4.1 broker in KRaft mode, one node that is broker and controller at once, PLAINTEXT on a free loopback
 * port, in a JVM of its own (module embedded-kafka, unpacked from its "dist" jar, which must be on the classpath:
 * the modules whose tests use it declare it). Its log directories live in its private directory, removed when it
 * stops. One node is enough for one test's topics: every replication factor is 1.
 */
public final class EmbeddedKafka implements AutoCloseable {
    static final String DIST = "embedded-kafka";
    static final String MAIN_CLASS = "dev.boardcqrs.kafka.node.KafkaNode";
    /** For the broker and the Connect worker; their log (slf4j-simple) goes to the process's log file. */
    static final List<String> JVM_OPTIONS = List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.showDateTime=true");
    /** Measured about 8 s from start to serving as its own JVM on a 2-vCPU VM; a loaded build machine is slower. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final DistProcess broker;
    private final int port;

    private EmbeddedKafka(DistProcess broker, int port) {
        this.broker = broker;
        this.port = port;
    }

    /** Starts a broker and waits until it serves clients; logs its bootstrap address. */
    public static EmbeddedKafka start() {
        EmbeddedKafka kafka = new EmbeddedKafka(new DistProcess("Kafka broker", DIST, JVM_OPTIONS, MAIN_CLASS),
                FreePort.find());
        Path properties = kafka.home().resolve("server.properties");
        Path ready = kafka.home().resolve("ready");
        kafka.broker.startReady(() -> {
            Files.writeString(properties, kafka.serverProperties(FreePort.find()));
            return List.of("broker", properties.toString(), ready.toString());
        }, START_TIMEOUT, () -> Files.exists(ready), kafka.bootstrapServers());
        return kafka;
    }

    private String serverProperties(int controllerPort) {
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + broker.home().resolve("data"),
                // one node: the internal topics cannot have more replicas, and need no more than one partition
                "default.replication.factor=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                // a consumer group (Connect's workers, a test's consumer) forms at once instead of after 3 s
                "group.initial.rebalance.delay.ms=0",
                "");
    }

    /** Where clients connect: {@code 127.0.0.1:PORT}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The listener as the launcher prints it: {@code PLAINTEXT://127.0.0.1:PORT}. */
    public String url() {
        return "PLAINTEXT://" + bootstrapServers();
    }

    public int port() {
        return port;
    }

    /** Its libraries, log directories and log, removed by {@link #close()}. */
    public Path home() {
        return broker.home();
    }

    /** Stops the broker (SIGTERM: it closes its logs) and removes its directory. Closing twice is harmless. */
    @Override
    public void close() {
        broker.stop();
    }
}
