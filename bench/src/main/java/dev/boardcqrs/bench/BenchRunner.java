package dev.boardcqrs.bench;

import dev.boardcqrs.bench.data.Dataset;
import dev.boardcqrs.bench.data.Seeder;
import dev.boardcqrs.bench.report.Results;
import dev.boardcqrs.bench.report.Section;
import dev.boardcqrs.bench.scenario.BenchContext;
import dev.boardcqrs.bench.scenario.CatalogScenario;
import dev.boardcqrs.bench.scenario.FreshnessScenario;
import dev.boardcqrs.bench.scenario.KafkaScenario;
import dev.boardcqrs.bench.scenario.MemoryScenario;
import dev.boardcqrs.bench.scenario.ProjectorScenario;
import dev.boardcqrs.bench.scenario.ReadScenario;
import dev.boardcqrs.bench.scenario.ReadYourWritesScenario;
import dev.boardcqrs.bench.scenario.RebuildScenario;
import dev.boardcqrs.bench.scenario.RedisDownScenario;
import dev.boardcqrs.bench.scenario.Scenario;
import dev.boardcqrs.bench.scenario.SearchScenario;
import dev.boardcqrs.bench.scenario.SmallNearCacheScenario;
import dev.boardcqrs.embedded.DatabaseKind;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.launcher.DevStack;
import dev.boardcqrs.projector.apply.ProjectorStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the benchmark: starts the embedded stack with the seeded data set (built as the launcher builds it),
 * watches the projector's first snapshot, runs the selected scenarios in order and writes the results.
 */
public final class BenchRunner {
    private static final Logger log = LoggerFactory.getLogger(BenchRunner.class);
    /**
     * In this order: the projector scenario stops and restarts the projector around the seeded data first; kafka
     * after freshness, whose rows it shows beside its own; search runs last, as its writes add articles and retitle
     * some.
     */
    private static final List<Scenario> SCENARIOS = List.of(new ProjectorScenario(), new ReadScenario(),
            new SmallNearCacheScenario(), new FreshnessScenario(), new MemoryScenario(), new RebuildScenario(), new CatalogScenario(),
            new ReadYourWritesScenario(), new RedisDownScenario(), new KafkaScenario(), new SearchScenario());

    private final BenchConfig config;
    private final Map<String, String> environment;

    /** {@code environment}: the services' own variables (poll interval, pool sizes...), passed through. */
    public BenchRunner(BenchConfig config, Map<String, String> environment) {
        this.config = config;
        this.environment = environment;
    }

    /** Runs everything and returns the Markdown and JSON files written. */
    public List<Path> run() throws Exception {
        Dataset data = Dataset.atScale(config.scale());
        Results results = new Results();
        results.machine().putAll(Machine.describe());
        results.settings().put("scale", config.scale());
        results.settings().put("runs", config.runs());
        results.settings().put("warm-up / duration per load run", config.warmup().toMillis() + " ms / "
                + config.duration().toMillis() + " ms");
        results.settings().put("concurrency", config.concurrencies());
        results.settings().put("write rates", config.writeRates() + " per s, then max, "
                + config.freshnessDuration().toSeconds() + " s each");
        results.settings().put("database", config.database().id());
        Map<String, String> variables = new HashMap<>(environment);
        variables.put("EMBEDDED_DATABASE", config.database().id());
        // free ports, so a benchmark never collides with a stack someone runs on the default ones
        variables.putIfAbsent("COMMAND_API_PORT", "0");
        variables.putIfAbsent("QUERY_API_PORT", "0");
        variables.putIfAbsent("PROJECTOR_PORT", "0");
        // the search engine only when searches are measured: the node costs a JVM of 512 MB, and the projector's
        // work for it would weigh on every other scenario's numbers
        variables.putIfAbsent("SEARCH_ENABLED", Boolean.toString(config.scenarios().contains("search")));
        Path work = Files.createTempDirectory("board-cqrs-bench");
        long[] seedNanos = new long[1];
        log.info("seeding {} and starting the stack", data);
        try (DevStack stack = DevStack.start(variables, database -> {
            long started = System.nanoTime();
            try (Connection connection = database.connectAsRoot()) {
                new Seeder(connection, data).seed();
            }
            seedNanos[0] = System.nanoTime() - started;
        })) {
            ProjectorStatus status = stack.projector().status();
            // with it on, the projector keeps the search index too: other scenarios' projector numbers include it
            results.settings().put("search engine", stack.projectorConfig().search().enabled()
                    ? "on: the projector keeps the article index" : "off");
            Progress.Measured snapshot = Progress.await(status::snapshotRows,
                    () -> ((Number) status.toMap().get("completedSnapshots")).longValue() >= 1, Duration.ofHours(1));
            dataSection(results, data, stack.database(), seedNanos[0] / 1e9, status.snapshotRows());
            BenchContext context = new BenchContext(config, data, stack, snapshot, RedisCpu.seconds(stack.redis()), work);
            for (Scenario scenario : SCENARIOS) {
                if (config.scenarios().contains(scenario.name())) {
                    log.info("scenario {}", scenario.name());
                    scenario.run(context, results);
                }
            }
        }
        results.machine().put("load average at the end", Machine.loadAverage());
        String name = "bench-" + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + (config.database() == DatabaseKind.MARIADB ? "" : "-" + config.database().id()) + "-scale-" + config.scale();
        return results.write(config.resultsDir(), name);
    }

    private static void dataSection(Results results, Dataset data, EmbeddedDatabase db, double seedSeconds,
                                    long projectorSnapshotRows) throws Exception {
        long articles = db.count("SELECT COUNT(*) FROM article");
        long comments = db.count("SELECT COUNT(*) FROM comment");
        long likes = db.count("SELECT COUNT(*) FROM article_like");
        long hotComments = db.count("SELECT COUNT(*) FROM comment WHERE (article_id - 1) % " + Dataset.STRIDE + " = 0");
        results.add(Section.of("data", "Data set", "articles", "boards", "comments", "likes",
                        "comments on the hot 1%", "seed s", "projector snapshot rows"))
                .row(articles, data.boards(), comments, likes, hotComments, seedSeconds, projectorSnapshotRows)
                .put("articles", articles)
                .put("comments", comments)
                .put("likes", likes)
                .put("hotComments", hotComments)
                .put("projectorSnapshotRows", projectorSnapshotRows)
                .note("Seeded with bulk INSERT ... SELECT before the services start; the projector's first snapshot "
                        + "reads it. Article ids 1, 101, 201, ... are the hot 1%.");
    }
}
