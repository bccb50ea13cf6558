package dev.boardcqrs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.embedded.SharedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kafka scenario at the tiniest scale, beside the freshness scenario, so it cannot rot: apart from
 * BenchHarnessIT, whose run it would lengthen by the broker's and the worker's start-up (a minute or more here).
 * MariaDB only (the pom leaves it out of the MySQL run): the Kafka path on MySQL is KafkaModeIT's.
 */
class KafkaBenchIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path results;

    @Test
    void shouldCatchUpWithOneAndTwoInstancesAndMeasureFreshnessBesideTheEmbeddedEngine() throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of(
                "BENCH_SCALE", "0.001",
                "BENCH_RUNS", "1",
                "BENCH_WARMUP", "100ms",
                "BENCH_WRITE_RATES", "50",
                "BENCH_FRESHNESS_DURATION", "1s",
                "BENCH_SCENARIOS", "freshness,kafka",
                "BENCH_RESULTS_DIR", results.toString()));
        environment.put("BENCH_DATABASE", SharedServers.databaseKind().id());

        List<Path> files = new BenchRunner(BenchConfig.fromEnv(new Env(environment)), environment).run();

        String markdown = Files.readString(files.get(0));
        assertThat(markdown).contains("## Kafka mode: catch-up", "## Kafka mode: freshness");
        JsonNode json = MAPPER.readTree(files.get(1).toFile());
        Map<String, JsonNode> sections = new HashMap<>();
        json.path("sections").forEach(section -> sections.put(section.path("scenario").asText(), section.path("data")));

        // the seeded articles, comments and likes (no catalog: the catalog scenario makes its own, and did not run):
        // the connector's snapshot has every row once, and each run applies all of them
        JsonNode catchUp = sections.get("kafka");
        assertThat(catchUp.path("sourceRows").asLong()).isEqualTo(2100);
        assertThat(catchUp.path("records").asLong()).isEqualTo(catchUp.path("sourceRows").asLong());
        List<Integer> instances = new ArrayList<>();
        catchUp.path("catchUps").forEach(run -> {
            instances.add(run.path("instances").asInt());
            assertThat(run.path("appliedTotal").asLong()).as(run.toString())
                    .isEqualTo(catchUp.path("records").asLong());
            assertThat(run.path("rowsPerSecond").asDouble()).as(run.toString()).isPositive();
        });
        assertThat(instances).containsExactly(1, 2);
        assertThat(catchUp.path("embeddedSnapshotRowsPerSecond").asDouble()).isPositive();

        // 50 writes/s in Kafka mode, every sampled write seen; beside it the embedded engine's row of that rate
        JsonNode kafka = sections.get("kafka-freshness").path("measurements");
        assertThat(kafka).hasSize(1);
        assertThat(kafka.get(0).path("samples").asLong()).isPositive();
        assertThat(kafka.get(0).path("notSeen").asLong()).isZero();
        assertThat(markdown).containsPattern("\\| 50/s \\| [^|]+ \\| query-api, embedded engine \\|")
                .containsPattern("\\| 50/s \\| [^|]+ \\| query-api, Kafka mode \\(2 instances\\) \\|");
    }
}
