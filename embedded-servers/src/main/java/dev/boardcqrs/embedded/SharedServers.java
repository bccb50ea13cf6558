package dev.boardcqrs.embedded;

/**
 * One embedded MariaDB and one Redis per JVM, started on first use and stopped when the JVM exits, so the
 * integration test classes of a module share them instead of each paying for a server start.
 * Tests that share them keep apart by using their own ids, boards or key namespaces.
 */
public final class SharedServers {
    private static EmbeddedMariaDb mariaDb;
    private static EmbeddedRedis redis;

    private SharedServers() {
    }

    public static synchronized EmbeddedMariaDb mariaDb() {
        if (mariaDb == null) {
            mariaDb = EmbeddedMariaDb.startWithBoardDatabase();
            Runtime.getRuntime().addShutdownHook(new Thread(mariaDb::close, "shared-mariadb-stop"));
        }
        return mariaDb;
    }

    public static synchronized EmbeddedRedis redis() {
        if (redis == null) {
            redis = EmbeddedRedis.start();
            Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "shared-redis-stop"));
        }
        return redis;
    }
}
