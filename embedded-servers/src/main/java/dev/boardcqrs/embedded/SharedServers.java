package dev.boardcqrs.embedded;

import java.util.function.Supplier;

/**
 * One embedded database, one Redis, and for the suites that ask one OpenSearch node, one Kafka broker and one Kafka
 * Connect worker per JVM, started on first use and stopped when the JVM exits, so the
 * integration test classes of a module share them instead of each paying for a server start.
 * Tests that share them keep apart by using their own ids, boards or key namespaces.
 * The system property {@code it.database} ({@code mariadb}, the default, or {@code mysql}) picks the database:
 * the build runs the integration tests once with each (failsafe executions in the parent POM).
 */
public final class SharedServers {
    public static final String DATABASE_PROPERTY = "it.database";

    private static final OnFirstUse<EmbeddedDatabase> DATABASE =
            new OnFirstUse<>("database", () -> EmbeddedDatabase.start(databaseKind()));
    private static final OnFirstUse<EmbeddedRedis> REDIS = new OnFirstUse<>("redis", EmbeddedRedis::start);
    private static final OnFirstUse<EmbeddedSearch> SEARCH = new OnFirstUse<>("search", EmbeddedSearch::start);
    private static final OnFirstUse<EmbeddedKafka> KAFKA = new OnFirstUse<>("kafka", EmbeddedKafka::start);
    private static final OnFirstUse<EmbeddedKafkaConnect> KAFKA_CONNECT =
            new OnFirstUse<>("kafka-connect", () -> EmbeddedKafkaConnect.start(kafka()));

    private SharedServers() {
    }

    /** The database kind this test run uses. */
    public static DatabaseKind databaseKind() {
        return DatabaseKind.parse(DATABASE_PROPERTY, System.getProperty(DATABASE_PROPERTY, DatabaseKind.MARIADB.id()));
    }

    public static EmbeddedDatabase database() {
        return DATABASE.get();
    }

    public static EmbeddedRedis redis() {
        return REDIS.get();
    }

    /** Only the suites that search ask for it: a node costs a JVM of 512 MB and 10 to 50 s to start. */
    public static EmbeddedSearch search() {
        return SEARCH.get();
    }

    /**
     * Only the suites that read change topics ask for it: a broker costs a JVM of up to 512 MB. Its module's "dist"
     * jar (dev.boardcqrs:embedded-kafka:dist) must be on the test classpath.
     */
    public static EmbeddedKafka kafka() {
        return KAFKA.get();
    }

    /** A Connect worker on {@link #kafka()}; connectors that tests register stay until the JVM exits. */
    public static EmbeddedKafkaConnect kafkaConnect() {
        return KAFKA_CONNECT.get();
    }

    /** One server, started by its first caller and stopped by a shutdown hook ("shared-NAME-stop") at exit. */
    private static final class OnFirstUse<T extends AutoCloseable> {
        private final String name;
        private final Supplier<T> start;
        private T server;

        OnFirstUse(String name, Supplier<T> start) {
            this.name = name;
            this.start = start;
        }

        synchronized T get() {
            if (server == null) {
                T started = start.get();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(started), "shared-" + name + "-stop"));
                server = started;
            }
            return server;
        }

        private void stop(T started) {
            try {
                started.close();
            } catch (Exception e) {
                throw new IllegalStateException("shared " + name + " did not stop: " + e.getMessage(), e);
            }
        }
    }
}
