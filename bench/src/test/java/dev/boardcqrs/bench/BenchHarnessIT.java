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
 * The whole harness at a tiny scale, end to end, so it cannot rot: seeding, every scenario but search with its
 * baseline, the separate load generator JVM, and both results files with numbers that agree with the seeded data.
 */
class BenchHarnessIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path results;

    @Test
    void shouldRunEveryScenarioAtATinyScaleAndWriteResultsThatMatchTheSeededData() throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of(
                "BENCH_SCALE", "0.001",
                "BENCH_RUNS", "1",
                "BENCH_WARMUP", "100ms",
                "BENCH_DURATION", "300ms",
                "BENCH_CONCURRENCY", "2",
                "BENCH_WRITE_RATES", "50",
                "BENCH_FRESHNESS_DURATION", "1s",
                "BENCH_RESULTS_DIR", results.toString()));
        environment.put("BENCH_DATABASE", SharedServers.databaseKind().id());
        // every scenario but search: its OpenSearch node alone takes 10 to 50 s to start, more than this test may add
        environment.put("BENCH_SCENARIOS",
                "projector,read,small-near-cache,freshness,memory,rebuild,catalog,readyourwrites,redis-down");
        BenchConfig config = BenchConfig.fromEnv(new Env(environment));

        List<Path> files = new BenchRunner(config, environment).run();

        assertThat(files).hasSize(2).allMatch(Files::isRegularFile);
        String markdown = Files.readString(files.get(0));
        assertThat(markdown).contains("## Targets", "## Data set", "## Projector throughput", "## Reads",
                "## Freshness", "## Memory", "## Rebuild");
        JsonNode json = MAPPER.readTree(files.get(1).toFile());
        // a scenario may write more than one section; its first holds its measurements
        Map<String, JsonNode> sections = new HashMap<>();
        Map<String, List<JsonNode>> allSections = new HashMap<>();
        json.path("sections").forEach(section -> {
            String scenario = section.path("scenario").asText();
            sections.putIfAbsent(scenario, section.path("data"));
            allSections.computeIfAbsent(scenario, name -> new ArrayList<>()).add(section.path("data"));
        });
        assertThat(sections).containsOnlyKeys("data", "projector", "read", "small-near-cache", "freshness", "memory",
                "rebuild", "catalog", "readyourwrites", "redis-down");

        // 100 articles, 1,000 comments (half on the hot 1%), 1,000 likes: 2,100 rows, all snapshotted by both
        JsonNode data = sections.get("data");
        assertThat(data.path("articles").asLong()).isEqualTo(100);
        assertThat(data.path("comments").asLong()).isEqualTo(1000);
        assertThat(data.path("likes").asLong()).isEqualTo(1000);
        assertThat(data.path("hotComments").asLong()).isEqualTo(500);
        assertThat(data.path("projectorSnapshotRows").asLong()).isEqualTo(2100);

        JsonNode projector = sections.get("projector");
        assertThat(projector.path("sourceRows").asLong()).isEqualTo(2100);
        assertThat(projector.path("countOnlySnapshotRows").asLong()).isEqualTo(2100);
        long streamed = projector.path("streamChanges").asLong();
        assertThat(streamed).isEqualTo(200);
        assertThat(projector.path("projectorStreamedChanges").get(0).asLong()).isEqualTo(streamed);
        assertThat(projector.path("countOnlyStreamedChanges").get(0).asLong()).isEqualTo(streamed);
        assertThat(projector.path("snapshotRatio").asDouble()).isPositive();
        assertThat(projector.path("streamingRatio").asDouble()).isPositive();

        // three workloads x three targets, every answer a 200
        JsonNode reads = sections.get("read").path("measurements");
        assertThat(reads).hasSize(9);
        reads.forEach(read -> {
            assertThat(read.path("errors").asLong()).as(read.toString()).isZero();
            assertThat(read.path("requests").asLong()).as(read.toString()).isPositive();
            assertThat(read.path("p99Ms").asDouble()).as(read.toString()).isPositive();
        });

        // one concurrency x two targets (at this scale 1 MB holds every model: the cache is not small here)
        JsonNode small = sections.get("small-near-cache");
        assertThat(small.path("measurements")).hasSize(2);
        small.path("measurements").forEach(read -> {
            assertThat(read.path("errors").asLong()).as(read.toString()).isZero();
            assertThat(read.path("requests").asLong()).as(read.toString()).isPositive();
        });
        assertThat(small.path("nearCacheHeldShare").asDouble()).isPositive();

        // 50 writes/s and max, each seen by query-api and by the count-only consumer
        JsonNode freshness = sections.get("freshness").path("measurements");
        assertThat(freshness).hasSize(4);
        freshness.forEach(row -> {
            assertThat(row.path("samples").asLong()).as(row.toString()).isPositive();
            assertThat(row.path("notSeen").asLong()).as(row.toString()).isZero();
            assertThat(row.path("p50Ms").isNumber()).as("p50Ms in " + row).isTrue();
            assertThat(row.path("p50Ms").asDouble()).as(row.toString()).isGreaterThanOrEqualTo(0);
        });

        // then the JVM at rest, with the projector and with the count-only engine in its place
        assertThat(allSections.get("freshness")).hasSize(2);
        JsonNode idle = allSections.get("freshness").get(1);
        for (String engine : List.of("projector", "countOnly")) {
            assertThat(idle.path(engine).path("threadsPercent").isNumber()).as(engine + " in " + idle).isTrue();
            assertThat(idle.path(engine).path("processPercent").asDouble()).as(engine + " in " + idle).isPositive();
        }

        assertThat(sections.get("memory").path("articleModelKeys").asLong()).isEqualTo(100);
        JsonNode pairs = sections.get("readyourwrites").path("measurements");
        assertThat(pairs.path("withToken").path("pairs").asLong()).isPositive();
        assertThat(pairs.path("withToken").path("stale").asLong()).as("stale reads with the token").isZero();
        assertThat(pairs.path("withoutToken").path("pairs").asLong()).isPositive();
        assertThat(sections.get("memory").path("coldModelBytesMedian").asDouble()).isGreaterThan(500);

        // the rebuild reads the seeded rows plus the comments (100) and likes (50) inserted while streaming
        assertThat(sections.get("rebuild").path("rows").asLong()).isEqualTo(2100 + streamed / 2 + streamed / 4);

        // the catalog tree at this scale: 40 catalogs, 1,000 products of which every tenth is SOLD_OUT
        JsonNode catalog = sections.get("catalog");
        assertThat(catalog.path("catalogs").asLong()).isEqualTo(40);
        assertThat(catalog.path("onSale").asLong()).isEqualTo(900);
        assertThat(catalog.path("flipDepth").asInt()).isEqualTo(3);
        assertThat(catalog.path("flipRedisCommandsLast").path("evalsha").asLong()).as("script calls of a flip")
                .isPositive();
        assertThat(catalog.path("treeErrors").asLong()).isZero();
        assertThat(catalog.path("treeThroughput").asDouble()).isPositive();

        // two workloads x two targets; at c=2 query-api's four database reads at once refuse nobody
        JsonNode redisDown = sections.get("redis-down").path("measurements");
        assertThat(redisDown).hasSize(4);
        redisDown.forEach(read -> {
            assertThat(read.path("errors").asLong()).as(read.toString()).isZero();
            assertThat(read.path("requests").asLong()).as(read.toString()).isPositive();
        });

        assertThat(json.path("targets")).hasSizeGreaterThanOrEqualTo(7);
        assertThat(json.path("machine").path("cores").asInt()).isPositive();
    }
}
