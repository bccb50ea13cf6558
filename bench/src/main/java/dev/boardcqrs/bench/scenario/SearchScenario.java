package dev.boardcqrs.bench.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.boardcqrs.bench.ChildCpu;
import dev.boardcqrs.bench.baseline.SqlServer;
import dev.boardcqrs.bench.data.Vocabulary;
import dev.boardcqrs.bench.load.HttpConnection;
import dev.boardcqrs.bench.load.IdPicker;
import dev.boardcqrs.bench.load.LoadRun;
import dev.boardcqrs.bench.report.Results;
import dev.boardcqrs.bench.report.Section;
import dev.boardcqrs.bench.report.TargetCheck;
import dev.boardcqrs.embedded.DatabaseKind;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyword search (issue 17): the same search, the newest 20 articles with a word in their title or content and how
 * many have it, through query-api (GET /search/articles, answered by the search engine the projector keeps) beside
 * SQL on the command database, by {@code LIKE '%word%'} and by InnoDB FULLTEXT; then commit-to-searchable at a
 * steady write rate ({@link SearchFreshness}), with the projector's refresher at its default interval, and then with
 * the engine's own schedule at a shorter one beside it.
 * Runs last: its writes add articles and retitle some. Needs the stack's search engine (BenchRunner starts the
 * embedded node when this scenario is selected).
 */
public final class SearchScenario implements Scenario {
    static final int CONCURRENCY = 10;
    static final int FRESHNESS_RATE = 100;
    static final String SHORT_REFRESH = "100ms";
    private static final String QUERY_API = "query-api";
    private static final String LIKE = "SQL LIKE";
    private static final String FULLTEXT = "SQL FULLTEXT";
    private static final Map<String, String> PATHS = Map.of(
            QUERY_API, "/search/articles?q={word}&sort=recent&pageSize=20",
            LIKE, "/search/like?q={word}",
            FULLTEXT, "/search/fulltext?q={word}");
    private static final IdPicker WORDS = new IdPicker(Vocabulary.SIZE, 0);
    private static final Duration WARM_UP_EXTRA = Duration.ofSeconds(2);
    private static final Duration INDEXING_TIMEOUT = Duration.ofMinutes(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(SearchScenario.class);

    @Override
    public String name() {
        return "search";
    }

    @Override
    public void run(BenchContext context, Results results) throws Exception {
        if (!context.stack().projectorConfig().search().enabled()) {
            throw new IllegalStateException("the search scenario needs the stack's search engine (SEARCH_ENABLED)");
        }
        EmbeddedDatabase db = context.stack().database();
        ArticleIndex index = new ArticleIndex(context.stack());
        long articles = db.count("SELECT COUNT(*) FROM article");
        awaitIndexed(index, articles);

        List<String> targets = new ArrayList<>(List.of(QUERY_API, LIKE));
        String fulltextRefused = addFulltextIndex(db);
        if (fulltextRefused == null) {
            targets.add(FULLTEXT);
        }
        Map<String, List<LoadRun.Result>> measured = new LinkedHashMap<>();
        Map<String, List<Long>> totals = new LinkedHashMap<>();
        try (SqlServer sql = new SqlServer(db.jdbcUrl(), EmbeddedDatabase.APP_USER, EmbeddedDatabase.APP_PASSWORD)) {
            Map<String, Integer> ports = Map.of(QUERY_API, context.queryApiPort(), LIKE, sql.port(), FULLTEXT,
                    sql.port());
            for (String target : targets) {
                totals.put(target, totals(ports.get(target), PATHS.get(target)));
            }
            warmUp(context, targets, ports);
            String databaseProcess = db.kind() == DatabaseKind.MARIADB ? ChildCpu.MARIADB : ChildCpu.MYSQL;
            for (int round = 0; round < context.config().runs(); round++) {
                for (String target : targets) {
                    String engine = target.equals(QUERY_API) ? ChildCpu.SEARCH_NODE : databaseProcess;
                    DoubleSupplier engineCpu = () -> ChildCpu.seconds(engine);
                    measured.computeIfAbsent(target, t -> new ArrayList<>()).add(LoadRun.run(ports.get(target),
                            PATHS.get(target), WORDS, CONCURRENCY, context.config().warmup(),
                            context.config().duration(), engineCpu));
                }
            }
        } finally {
            if (fulltextRefused == null) {
                // the FULLTEXT index is the baseline's, not the schema's: writes after this pay nothing for it
                db.execute("ALTER TABLE article DROP INDEX " + SqlServer.FULLTEXT_INDEX);
            }
        }
        reportQueries(context, results, measured, totals, articles, fulltextRefused);

        SearchFreshness freshness = new SearchFreshness(context, index);
        Duration duration = context.config().freshnessDuration();
        List<SearchFreshness.Measured> runs = new ArrayList<>();
        runs.add(freshness.run(1, FRESHNESS_RATE, duration));
        index.refreshInterval(SHORT_REFRESH);
        try {
            runs.add(freshness.run(2, FRESHNESS_RATE, duration));
        } finally {
            index.refreshInterval(null);
        }
        reportFreshness(results, runs);
    }

    // the projector's snapshot fills the index beside Redis; BenchRunner waited for Redis only
    private static void awaitIndexed(ArticleIndex index, long articles) {
        long deadline = System.nanoTime() + INDEXING_TIMEOUT.toNanos();
        long documents;
        while ((documents = index.liveDocuments()) != articles) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the search index holds " + documents + " of " + articles
                        + " articles after " + INDEXING_TIMEOUT.toMinutes() + " minutes");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
    }

    /** Adds the baseline's FULLTEXT index; answers null, or why the server refused it. */
    private static String addFulltextIndex(EmbeddedDatabase db) {
        long started = System.nanoTime();
        try {
            db.execute("ALTER TABLE article ADD FULLTEXT INDEX " + SqlServer.FULLTEXT_INDEX + " (title, content)");
            log.info("FULLTEXT index added in {} ms", (System.nanoTime() - started) / 1_000_000);
            return null;
        } catch (SQLException e) {
            log.warn("no FULLTEXT baseline: {}", e.getMessage());
            return e.getMessage();
        }
    }

    /** How many articles each word of the vocabulary matches by {@code path}: the targets must agree. */
    private static List<Long> totals(int port, String path) throws Exception {
        List<Long> totals = new ArrayList<>();
        try (HttpConnection http = new HttpConnection("127.0.0.1", port)) {
            for (long word = 1; word <= Vocabulary.SIZE; word++) {
                HttpConnection.Response answer = http.get(path.replace("{word}", Vocabulary.word(word)));
                if (answer.status() != 200) {
                    throw new IllegalStateException(path + " answered " + answer.status() + ": " + answer.body());
                }
                totals.add(JSON.readTree(answer.body()).path("total").asLong());
            }
        }
        return totals;
    }

    /** One unmeasured run of every target, so the JIT has compiled what they share (see ReadScenario). */
    private static void warmUp(BenchContext context, List<String> targets, Map<String, Integer> ports)
            throws Exception {
        Duration each = context.config().warmup().plus(WARM_UP_EXTRA);
        for (String target : targets) {
            LoadRun.run(ports.get(target), PATHS.get(target), WORDS, CONCURRENCY, Duration.ZERO, each);
        }
    }

    private static void reportQueries(BenchContext context, Results results,
                                      Map<String, List<LoadRun.Result>> measured, Map<String, List<Long>> totals,
                                      long articles, String fulltextRefused) {
        Section section = results.add(Section.of("search", "Keyword search: query-api (search engine) vs SQL LIKE "
                        + "vs InnoDB FULLTEXT", "target", "c", "req/s (median)", "p50 ms", "p99 ms", "errors",
                "query-api / target", "matches per word (mean)", "CPU us/req: server JVM", "engine process",
                "generator"));
        List<LoadRun.Result> ours = measured.get(QUERY_API);
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, Double> ratios = new LinkedHashMap<>();
        measured.forEach((target, runs) -> {
            double ratio = Stats.median(Stats.throughputRatios(ours, runs));
            ratios.put(target, ratio);
            Stats.Cell cell = Stats.Cell.of(runs);
            double matches = totals.get(target).stream().mapToLong(Long::longValue).average().orElse(Double.NaN);
            double serverCpu = Stats.median(runs.stream().map(LoadRun.Result::serverCpuMicros).toList());
            double engineCpu = Stats.median(runs.stream().map(LoadRun.Result::redisCpuMicros).toList());
            double generatorCpu = Stats.median(runs.stream().map(LoadRun.Result::generatorCpuMicros).toList());
            section.row(target, CONCURRENCY, cell.throughput(), cell.p50Ms(), cell.p99Ms(), cell.errors(),
                    target.equals(QUERY_API) ? null : ratio, matches, serverCpu, engineCpu, generatorCpu);
            Map<String, Object> row = cell.row(target, CONCURRENCY);
            row.put("meanMatchesPerWord", matches);
            row.put("serverCpuMicrosPerRequest", serverCpu);
            row.put("engineCpuMicrosPerRequest", engineCpu);
            row.put("generatorCpuMicrosPerRequest", generatorCpu);
            row.put("runs", runs);
            rows.add(row);
        });
        long disagreeing = 0;
        for (int word = 0; word < Vocabulary.SIZE; word++) {
            int at = word;
            if (totals.values().stream().map(list -> list.get(at)).distinct().count() > 1) {
                disagreeing++;
            }
        }
        section.put("measurements", rows)
                .put("articles", articles)
                .put("totalsPerWord", totals)
                .put("wordsWithDifferentTotals", disagreeing)
                .put("queryApiOverTarget", ratios)
                .put("fulltextRefused", fulltextRefused)
                .note("Each request searches one of the " + Vocabulary.SIZE + " words the seed wrote into titles "
                        + "and contents (uniformly picked; one word is in about 4% of the articles) and answers the "
                        + "newest 20 with their comment and like counts, and the total. query-api: "
                        + PATHS.get(QUERY_API) + " (the engine finds the ids and highlights, the articles come from "
                        + "Redis). SQL: one SELECT of the 20 newest matches with COUNT subqueries and one COUNT(*) "
                        + "per request, through a HikariCP pool of 10, by LIKE '%word%' on title OR content (a full "
                        + "scan) and by MATCH (title, content) AGAINST ('+word' IN BOOLEAN MODE) on a FULLTEXT "
                        + "index added for this baseline only (and dropped after it)"
                        + (fulltextRefused == null ? "." : "; the server refused it: " + fulltextRefused))
                .note("Matches per word: the mean total over all " + Vocabulary.SIZE + " words, asked of each target "
                        + "once before the load; words whose totals differ between the targets: " + disagreeing + ".")
                .note("Closed-loop load at c=" + CONCURRENCY + " from a separate JVM, " + context.config().runs()
                        + " run(s) of " + context.config().duration().toMillis() + " ms after "
                        + context.config().warmup().toMillis() + " ms of warm-up per target, after one unmeasured "
                        + "run of each; medians over runs; ratios are taken within a round, then the median.")
                .note("CPU us/req: CPU microseconds per answered request in the measured window. Server JVM: the "
                        + "benchmark's (query-api, the SQL server, the idle projector). Engine process: the search "
                        + "node's JVM for query-api, the database server for SQL (read from the OS).");
    }

    private static void reportFreshness(Results results, List<SearchFreshness.Measured> runs) {
        Section section = results.add(Section.of("search-freshness", "Search freshness: commit to found by "
                        + "GET /search/articles at " + FRESHNESS_RATE + " writes/s", "refresh interval",
                "achieved writes/s", "samples", "p50 ms", "p99 ms", "max ms", "not seen",
                "search node CPU s per s", "refreshes per s", "ms per refresh", "projector batches", "ms per batch",
                "poll ms (median)"));
        List<String> intervals = List.of("1s (default: the projector's)", SHORT_REFRESH + " (the engine's)");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            SearchFreshness.Measured run = runs.get(i);
            Lags lags = run.lags();
            section.row(intervals.get(i), run.ratePerSecond(), lags.millis().size(), lags.p50(), lags.p99(),
                    lags.max(), lags.notSeen(), run.nodeCpuPerSecond(), run.refreshesPerSecond(), run.millisPerRefresh(),
                    run.projectorBatches(),
                    run.millisPerBatch(), run.pollMillis());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("refreshInterval", intervals.get(i));
            row.put("writes", run.writes());
            row.put("achievedRate", run.ratePerSecond());
            row.put("samples", lags.millis().size());
            row.put("notSeen", lags.notSeen());
            row.put("p50Ms", lags.p50());
            row.put("p99Ms", lags.p99());
            row.put("maxMs", lags.max());
            row.put("nodeCpuSecondsPerSecond", run.nodeCpuPerSecond());
            row.put("refreshesPerSecond", run.refreshesPerSecond());
            row.put("millisPerRefresh", run.millisPerRefresh());
            row.put("projectorBatches", run.projectorBatches());
            row.put("projectorMillisPerBatch", run.millisPerBatch());
            row.put("pollMillisMedian", run.pollMillis());
            rows.add(row);
        }
        Lags standard = runs.get(0).lags();
        results.target(TargetCheck.atMost("search freshness p99 <= 1.5 s at " + FRESHNESS_RATE
                + " writes/s (default refresh interval)", standard.p99(), 1500, " ms"));
        section.put("measurements", rows)
                .note("Plain SQL writes from one connection on a fixed schedule, alternately an INSERT of a new "
                        + "article and an UPDATE of an existing article's title (each article once), all with the "
                        + "run's word in the title; the lag runs from the commit returning to the first answer of "
                        + "GET /search/articles?q=RUNWORD whose total counts the write. The binlog, the projector and "
                        + "a refresh keep the writes' order, so a total of N means the first N writes are searchable: "
                        + "one poller asks every " + SearchFreshness.POLL_MILLIS + " ms after the last answer; a lag "
                        + "is taken when the answer arrives, so it may be late by up to one search's time (poll ms). "
                        + "Projector batches: how many it applied in the run (to Redis and OpenSearch, each in its "
                        + "own lane), and their mean time until both had them (the search lane's linger included), "
                        + "from its /metrics.")
                .note("First row: the projector refreshes the index (PROJECTOR_SEARCH_REFRESH_INTERVAL, 1 s): at once "
                        + "after a quiet spell, else one interval after the last refresh started. Second row: the "
                        + "same with the engine's own refresh_interval set to " + SHORT_REFRESH + " for the run "
                        + "(then given back), beside the projector's. Its cost: the search node's CPU seconds per "
                        + "second of the run (from the OS), beside the first row's; more refreshes make more small "
                        + "segments to merge. Ms per refresh: the engine's own refresh time over the run's refreshes.");
    }
}
