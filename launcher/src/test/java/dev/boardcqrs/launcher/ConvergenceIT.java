package dev.boardcqrs.launcher;

import static dev.boardcqrs.embedded.JsonHttp.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.boardcqrs.common.board.ArticleModel;
import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.search.ArticleSearchIndex;
import dev.boardcqrs.common.search.SearchIndexes;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.generation.Generation;
import dev.boardcqrs.projector.generation.RebuildRunningException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A seeded, reproducible run of random writes, through command-api and as plain SQL, while the projector is
 * restarted, sent old offsets (as after a crash before committing), Redis is flushed, models expire and
 * readers trigger read-throughs. At the end every query model and board list must equal the truth in SQL, and the
 * search index must hold exactly one live document per article with the SQL row's fields (no deleted one back).
 * <p>
 * CI runs a short version. A long one: {@code mvn -B verify -pl launcher -am -Dit.test=ConvergenceIT
 * -Dconvergence.operations=20000 -Dconvergence.seed=42} (the seed of every run is printed).
 */
class ConvergenceIT {
    private static final Logger log = LoggerFactory.getLogger(ConvergenceIT.class);
    private static final KeyScheme KEYS = new KeyScheme(KeyScheme.DEFAULT_NAMESPACE);
    private static final int LIST_LENGTH = 8;

    private static DevStack stack;
    private static RandomWrites writes;
    private static SqlTruth truth;
    private static JsonHttp query;

    @BeforeAll
    static void start() throws Exception {
        stack = TestStacks.start(Map.of("COMMAND_API_PORT", "0", "QUERY_API_PORT", "0", "PROJECTOR_PORT", "0",
                "BOARD_LIST_LENGTH", Integer.toString(LIST_LENGTH), "SEARCH_URL", SharedServers.search().url()));
        writes = new RandomWrites(stack);
        truth = new SqlTruth(stack.database(), ModelRedis.of(stack), KEYS, LIST_LENGTH);
        query = new JsonHttp(stack.queryApiUrl());
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void shouldConvergeToTheSqlTruthWhateverHappensOnTheWay() throws Exception {
        long seed = Long.getLong("convergence.seed", System.nanoTime());
        int operations = Integer.getInteger("convergence.operations", 600);
        log.info("convergence run: seed {}, {} operations", seed, operations);
        Random random = new Random(seed);
        RandomReads reader = RandomReads.start(query, seed + 1);
        Path savedOffsets = Files.createTempFile("offsets", ".dat");
        Generation offsetsSavedFrom = null;
        try {
            for (int i = 0; i < operations; i++) {
                writes.write(random);
                if (random.nextInt(100) == 0) {
                    log.info("convergence run: restarting the projector");
                    stack.restartProjector();
                } else if (random.nextInt(150) == 0) {
                    log.info("convergence run: restarting the projector from saved or older offsets");
                    stack.projector().close();
                    Generation active = Generation.parse(stack.redis().get(KEYS.active()));
                    Path offsets = active.offsetFile(stack.projectorConfig());
                    if (active.equals(offsetsSavedFrom)) { // back to older offsets: everything since is delivered again
                        Files.copy(savedOffsets, offsets, StandardCopyOption.REPLACE_EXISTING);
                    } else if (Files.exists(offsets)) {
                        Files.copy(offsets, savedOffsets, StandardCopyOption.REPLACE_EXISTING);
                        offsetsSavedFrom = active;
                    }
                    stack.restartProjector();
                } else if (random.nextInt(200) == 0) {
                    rebuildUnlessRunning();
                } else if (random.nextInt(300) == 0) {
                    log.info("convergence run: flushing Redis");
                    stack.redis().flushAll();
                    sql("INSERT INTO article (board_id, writer_id, title, content) VALUES (9001, 1, 'after flush', 'c')");
                    // the projector notices with its next batch and snapshots anew; offsets saved before that
                    // snapshot belong to the old schema history and must not be restored
                    await().atMost(Duration.ofSeconds(60)).alias("rebuild after a flush, seed " + seed)
                            .conditionEvaluationListener(condition -> {
                                if (condition.getRemainingTimeInMS() < 1000) {
                                    log.warn("still waiting for the rebuild: projector {}, meta {}",
                                            stack.projector().status().toMap(), stack.redis().hgetAll(generation().meta()));
                                }
                            })
                            .ignoreExceptions() // no generation at all until the projector notices
                            .until(() -> stack.redis().hget(generation().meta(), "watermark") != null
                                    && "0".equals(stack.redis().hget(generation().meta(), "building")));
                    offsetsSavedFrom = null;
                } else if (random.nextInt(20) == 0) {
                    expireSomeModels(random);
                }
            }
        } finally {
            reader.close();
        }
        log.info("convergence run: seed {}: writes done, waiting for the projector", seed);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .untilAsserted(() -> assertThat(differences()).as("differences, seed " + seed).isEmpty());
        assertThat(truth.queryApiDifferences(query)).as("query-api differences, seed " + seed).isEmpty();
    }

    @Test
    void shouldConvergeWhenTheProjectorProcessIsKilledAtRandomMoments() throws Exception {
        long seed = Long.getLong("convergence.seed", System.nanoTime()) + 7;
        int operations = Integer.getInteger("convergence.operations", 600) / 2;
        log.info("convergence run with kill -9: seed {}, {} operations", seed, operations);
        Random random = new Random(seed);
        stack.projector().close(); // a separate JVM takes over the same offsets and namespace
        ProjectorProcess projector = ProjectorProcess.start(stack, Map.of("BOARD_LIST_LENGTH", Integer.toString(LIST_LENGTH)));
        RandomReads reader = RandomReads.start(query, seed + 1);
        int kills = 0;
        try {
            for (int i = 0; i < operations; i++) {
                writes.write(random);
                if (random.nextInt(40) == 0) {
                    projector.kill(); // SIGKILL: no shutdown hook, no offset commit, maybe mid-EXEC
                    kills++;
                    projector = ProjectorProcess.start(stack, Map.of("BOARD_LIST_LENGTH", Integer.toString(LIST_LENGTH)));
                } else if (random.nextInt(200) == 0) {
                    stack.redis().flushAll();
                } else if (random.nextInt(20) == 0) {
                    expireSomeModels(random);
                }
            }
            log.info("convergence run with kill -9: seed {}: writes done after {} kills, waiting", seed, kills);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(differences()).as("differences, seed " + seed).isEmpty());
            assertThat(truth.queryApiDifferences(query)).as("query-api differences, seed " + seed).isEmpty();
        } finally {
            reader.close();
            projector.kill();
            stack.restartProjector();
        }
    }

    private static void expireSomeModels(Random random) throws Exception {
        Optional<KeyScheme> active = KEYS.activeIn(stack.redis());
        for (long id : ids("SELECT article_id FROM article")) {
            if (random.nextInt(4) == 0 && active.isPresent()) {
                stack.redis().del(BoardKeys.in(active.get()).article(id));
            }
        }
    }

    /** An operator's rebuild: a new generation fills beside the active one and takes over when level. */
    private static void rebuildUnlessRunning() {
        try {
            log.info("rebuilding into generation {}", stack.projector().rebuild("convergence test"));
        } catch (RebuildRunningException alreadyRunning) {
            log.info("not rebuilding: {}", alreadyRunning.getMessage());
        }
    }

    /** Every model, board and writer in Redis and every search document compared with SQL; empty: they agree. */
    private static List<String> differences() throws Exception {
        List<String> differences = new ArrayList<>(truth.modelDifferences());
        differences.addAll(searchDifferences(truth.articles()));
        return differences;
    }

    /** Every live document of the search index compared with SQL: one per article, with the row's fields. */
    private static List<String> searchDifferences(Map<Long, ArticleModel> truth) {
        JsonHttp engine = new JsonHttp(SharedServers.search().url());
        String alias = new SearchIndexes(KEYS.namespace()).alias(ArticleSearchIndex.NAME);
        engine.post("/" + alias + "/_refresh", "");
        JsonNode hits = engine.post("/" + alias + "/_search", toJson(Map.of("size", 10_000, "query",
                Map.of("bool", Map.of("must_not", List.of(Map.of("term", Map.of("deleted", true))))))))
                .json().path("hits").path("hits");
        List<String> differences = new ArrayList<>();
        Set<Long> found = new HashSet<>();
        for (JsonNode hit : hits) {
            long id = Long.parseLong(hit.path("_id").asText());
            found.add(id);
            ArticleModel expected = truth.get(id);
            JsonNode document = hit.path("_source");
            if (expected == null) {
                differences.add("search holds article " + id + ", which SQL does not: " + document);
            } else if (document.path("boardId").asLong() != expected.boardId()
                    || document.path("writerId").asLong() != expected.writerId()
                    || !document.path("title").asText().equals(expected.title())
                    || !document.path("content").asText().equals(expected.content())
                    || !document.path("createdAt").asText().equals(expected.createdAt())
                    || !document.path("modifiedAt").asText().equals(expected.modifiedAt())) {
                differences.add("search holds " + document + " but SQL has " + expected);
            }
        }
        truth.keySet().stream().filter(id -> !found.contains(id))
                .forEach(id -> differences.add("search misses article " + id));
        return differences;
    }

    private static List<Long> ids(String sql) throws SQLException {
        return stack.database().ids(sql);
    }

    private static void sql(String statement) throws SQLException {
        stack.database().executeInTransaction(statement);
    }

    /** The keys of the generation readers use now. */
    private static KeyScheme generation() {
        return truth.generation();
    }
}
