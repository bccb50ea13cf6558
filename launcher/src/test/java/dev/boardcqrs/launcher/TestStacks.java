package dev.boardcqrs.launcher;

import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.Projector;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

    /** The partitions a Kafka-mode projector's /status says it reads now, as "topic-partition". */
    static List<String> partitions(Projector projector) {
        List<String> partitions = new ArrayList<>();
        new JsonHttp("http://127.0.0.1:" + projector.port()).get("/status").json().path("partitions")
                .forEach(partition -> partitions.add(partition.path("topic").asText() + "-"
                        + partition.path("partition").asInt()));
        return partitions;
    }
}
