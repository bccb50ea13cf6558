package dev.boardcqrs.launcher;

import dev.boardcqrs.embedded.SharedServers;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** A DevStack on the database this test run is for (it.database: the build runs every IT on MariaDB and on MySQL). */
final class TestStacks {
    private TestStacks() {
    }

    static DevStack start(Map<String, String> settings) throws SQLException {
        return DevStack.start(withDatabase(settings));
    }

    /** {@code settings} and EMBEDDED_DATABASE naming this run's database, for a stack in this JVM or a launcher jar's. */
    static Map<String, String> withDatabase(Map<String, String> settings) {
        Map<String, String> variables = new HashMap<>(settings);
        variables.put("EMBEDDED_DATABASE", SharedServers.databaseKind().id());
        return variables;
    }
}
