package dev.boardcqrs.embedded;

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

    private static EmbeddedDatabase database;
    private static EmbeddedRedis redis;
    private static EmbeddedSearch search;
    private static EmbeddedKafka kafka;
    private static EmbeddedKafkaConnect kafkaConnect;

    private SharedServers() {
    }

    /** The database kind this test run uses. */
    public static DatabaseKind databaseKind() {
        return DatabaseKind.parse(DATABASE_PROPERTY, System.getProperty(DATABASE_PROPERTY, DatabaseKind.MARIADB.id()));
    }

    public static synchronized EmbeddedDatabase database() {
        if (database == null) {
            database = EmbeddedDatabase.start(databaseKind());
            Runtime.getRuntime().addShutdownHook(new Thread(database::close, "shared-database-stop"));
        }
        return database;
    }

    public static synchronized EmbeddedRedis redis() {
        if (redis == null) {
            redis = EmbeddedRedis.start();
            Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "shared-redis-stop"));
        }
        return redis;
    }

    /** Only the suites that search ask for it: a node costs a JVM of 512 MB and 10 to 50 s to start. */
    public static synchronized EmbeddedSearch search() {
        if (search == null) {
            search = EmbeddedSearch.start();
            Runtime.getRuntime().addShutdownHook(new Thread(search::close, "shared-search-stop"));
        }
        return search;
    }

    /**
     * Only the suites that read change topics ask for it: a broker costs a JVM of up to 512 MB. Its module's "dist"
     * jar (dev.boardcqrs:embedded-kafka:dist) must be on the test classpath.
     */
    public static synchronized EmbeddedKafka kafka() {
        if (kafka == null) {
            kafka = EmbeddedKafka.start();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "shared-kafka-stop"));
        }
        return kafka;
    }

    /** A Connect worker on {@link #kafka()}; connectors that tests register stay until the JVM exits. */
    public static synchronized EmbeddedKafkaConnect kafkaConnect() {
        if (kafkaConnect == null) {
            kafkaConnect = EmbeddedKafkaConnect.start(kafka());
            Runtime.getRuntime().addShutdownHook(new Thread(kafkaConnect::close, "shared-kafka-connect-stop"));
        }
        return kafkaConnect;
    }
}
