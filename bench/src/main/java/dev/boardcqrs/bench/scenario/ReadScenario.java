package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.bench.RedisCpu;
import dev.boardcqrs.bench.baseline.BareServer;
import dev.boardcqrs.bench.baseline.SqlServer;
import dev.boardcqrs.bench.data.Dataset;
import dev.boardcqrs.bench.load.HttpConnection;
import dev.boardcqrs.bench.load.IdPicker;
import dev.boardcqrs.bench.load.LoadRun;
import dev.boardcqrs.bench.report.Format;
import dev.boardcqrs.bench.report.Results;
import dev.boardcqrs.bench.report.Section;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.PrometheusText;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads through query-api against (a) a bare Javalin answering fixed bodies of the same size, the HTTP ceiling
 * of this machine, and (b) the same answers computed by SQL per request. Each round runs the three targets
 * back to back for every workload, so noise from the shared machine hits all three; ratios are taken within
 * a round and the median over rounds is reported.
 */
public final class ReadScenario implements Scenario {
    private static final String ARTICLE = "/articles/{id}";
    private static final String PAGE = "/boards/{id}/articles?page=1&pageSize=20";
    private static final List<String> TARGETS = List.of("query-api", "bare Javalin", "SQL");
    private static final Duration WARM_UP_EXTRA = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(ReadScenario.class);

    @Override
    public String name() {
        return "read";
    }

    /** One workload: a path, its id distribution and the number of concurrent clients. */
    private record Workload(String name, String path, ReadTargets.Kind kind, IdPicker ids, int concurrency) {
    }

    @Override
    public void run(BenchContext context, Results results) throws Exception {
        int queryPort = context.queryApiPort();
        String articleBody;
        String pageBody;
        try (HttpConnection http = new HttpConnection("127.0.0.1", queryPort)) {
            articleBody = http.get("/articles/2").body();
            pageBody = http.get("/boards/1/articles?page=1&pageSize=20").body();
        }
        Dataset data = context.data();
        List<Workload> workloads = new ArrayList<>();
        for (int concurrency : context.config().concurrencies()) {
            workloads.add(new Workload("article, uniform ids", ARTICLE, ReadTargets.Kind.ARTICLE_UNIFORM,
                    new IdPicker(data.articles(), 0), concurrency));
            workloads.add(new Workload("article, skewed ids", ARTICLE, ReadTargets.Kind.ARTICLE_SKEWED,
                    new IdPicker(data.articles(), Dataset.STRIDE), concurrency));
            workloads.add(new Workload("board list page", PAGE, ReadTargets.Kind.PAGE, new IdPicker(data.boards(), 0),
                    concurrency));
        }
        Map<Workload, Map<String, List<LoadRun.Result>>> measured = new LinkedHashMap<>();
        Map<Workload, List<Double>> nearCacheHits = new LinkedHashMap<>();
        List<Double> redisBusy = new ArrayList<>();
        EmbeddedDatabase db = context.stack().database();
        try (BareServer bare = new BareServer(articleBody, pageBody);
             SqlServer sql = new SqlServer(db.jdbcUrl(), EmbeddedDatabase.APP_USER, EmbeddedDatabase.APP_PASSWORD)) {
            Map<String, Integer> ports = Map.of("query-api", queryPort, "bare Javalin", bare.port(), "SQL", sql.port());
            warmUp(context, workloads, ports);
            for (int round = 0; round < context.config().runs(); round++) {
                for (Workload workload : workloads) {
                    for (String target : TARGETS) {
                        double[] nearCacheBefore = target.equals("query-api") ? nearCacheCounts(queryPort) : null;
                        LoadRun.Result result = LoadRun.run(ports.get(target), workload.path(), workload.ids(),
                                workload.concurrency(), context.config().warmup(), context.config().duration(),
                                () -> RedisCpu.seconds(context.stack().redis()));
                        if (target.equals("query-api")) {
                            redisBusy.add(result.redisCpuMicros() * result.throughput() / 1e6);
                            nearCacheHits.computeIfAbsent(workload, w -> new ArrayList<>())
                                    .add(hitShare(nearCacheBefore, nearCacheCounts(queryPort)));
                        }
                        measured.computeIfAbsent(workload, w -> new LinkedHashMap<>())
                                .computeIfAbsent(target, t -> new ArrayList<>()).add(result);
                    }
                }
            }
        }
        report(context, results, measured, nearCacheHits, articleBody.length(), pageBody.length());
        results.sections().get(results.sections().size() - 1)
                .put("redisCpuPerSecondDuringQueryApiRuns", redisBusy)
                .note("Redis CPU seconds per second while query-api was loaded (INFO cpu over the measured "
                        + "windows): median " + Format.decimal(Stats.median(redisBusy)) + ", max "
                        + Format.decimal(Stats.percentile(redisBusy, 1.0)) + "; near 1 would mean Redis limited.");
    }

    /**
     * One unmeasured round of every workload against every target. All three servers share this JVM and most
     * of its HTTP code, so without it the first round's first target (query-api) pays for the JIT compiling
     * that code while the others get it compiled: on two cores the C2 compiler was still busy during the
     * first round's query-api cells and took a fifth of the JVM's CPU.
     */
    private static void warmUp(BenchContext context, List<Workload> workloads, Map<String, Integer> ports)
            throws Exception {
        Duration each = context.config().warmup().plus(WARM_UP_EXTRA);
        log.info("read warm-up: {} workloads x {} targets, {} ms each, not measured", workloads.size(),
                TARGETS.size(), each.toMillis());
        for (Workload workload : workloads) {
            for (String target : TARGETS) {
                LoadRun.run(ports.get(target), workload.path(), workload.ids(), workload.concurrency(), Duration.ZERO,
                        each);
            }
        }
    }

    /** query-api's near cache counters so far: hits, misses. */
    private static double[] nearCacheCounts(int queryPort) throws IOException {
        try (HttpConnection http = new HttpConnection("127.0.0.1", queryPort)) {
            String scrape = http.get("/metrics").body();
            return new double[] {PrometheusText.sum(scrape, "query_nearcache_hits_total", Map.of()),
                    PrometheusText.sum(scrape, "query_nearcache_misses_total", Map.of())};
        }
    }

    /** The share of article reads the near cache answered between two counts; NaN for none (board pages). */
    private static double hitShare(double[] before, double[] after) {
        double hits = after[0] - before[0];
        double misses = after[1] - before[1];
        return hits + misses == 0 ? Double.NaN : hits / (hits + misses);
    }

    private static void report(BenchContext context, Results results,
                               Map<Workload, Map<String, List<LoadRun.Result>>> measured,
                               Map<Workload, List<Double>> nearCacheHits, int articleBytes, int pageBytes) {
        Section section = results.add(Section.of("read", "Reads: query-api vs bare Javalin (HTTP ceiling) vs SQL",
                "workload", "c", "target", "req/s (median)", "p50 ms", "p99 ms", "errors", "query-api / bare",
                "query-api / SQL", "near-cache hits", "CPU us/req: server JVM", "Redis", "generator"));
        List<Map<String, Object>> rows = new ArrayList<>();
        int highest = context.config().concurrencies().stream().mapToInt(Integer::intValue).max().orElse(0);
        measured.forEach((workload, byTarget) -> {
            List<LoadRun.Result> ours = byTarget.get("query-api");
            double vsBare = Stats.median(Stats.throughputRatios(ours, byTarget.get("bare Javalin")));
            double vsSql = Stats.median(Stats.throughputRatios(ours, byTarget.get("SQL")));
            List<Double> hitShares = nearCacheHits.getOrDefault(workload, List.of());
            Double hitShare = hitShares.stream().anyMatch(share -> share.isNaN()) || hitShares.isEmpty() ? null
                    : Stats.median(hitShares);
            for (String target : TARGETS) {
                List<LoadRun.Result> runs = byTarget.get(target);
                Stats.Cell cell = Stats.Cell.of(runs);
                boolean queryApi = target.equals("query-api");
                double serverCpu = Stats.median(runs.stream().map(LoadRun.Result::serverCpuMicros).toList());
                double redisCpu = Stats.median(runs.stream().map(LoadRun.Result::redisCpuMicros).toList());
                double generatorCpu = Stats.median(runs.stream().map(LoadRun.Result::generatorCpuMicros).toList());
                section.row(workload.name(), workload.concurrency(), target, cell.throughput(), cell.p50Ms(),
                        cell.p99Ms(), cell.errors(), queryApi ? vsBare : null, queryApi ? vsSql : null,
                        queryApi && hitShare != null ? Format.decimal(100 * hitShare) + "%" : null, serverCpu,
                        queryApi ? redisCpu : null, generatorCpu);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("workload", workload.name());
                row.put("ids", workload.ids().toString());
                row.putAll(cell.row(target, workload.concurrency()));
                row.put("serverCpuMicrosPerRequest", serverCpu);
                row.put("redisCpuMicrosPerRequest", redisCpu);
                row.put("generatorCpuMicrosPerRequest", generatorCpu);
                if (queryApi) {
                    row.put("nearCacheHitShares", hitShares.stream().map(share -> share.isNaN() ? null : share).toList());
                }
                row.put("runs", runs);
                rows.add(row);
            }
            ReadTargets.of(workload.name(), workload.kind(), workload.concurrency(), highest, byTarget.get("query-api"),
                    byTarget.get("bare Javalin"), byTarget.get("SQL")).forEach(results::target);
        });
        section.put("measurements", rows)
                .put("articleBodyBytes", articleBytes)
                .put("pageBodyBytes", pageBytes)
                .note("Closed-loop load from a separate JVM (LoadGenerator: one keep-alive connection per client), "
                        + context.config().runs() + " run(s) of " + context.config().duration().toMillis()
                        + " ms after " + context.config().warmup().toMillis() + " ms of warm-up per cell, after one "
                        + "unmeasured round of every cell (JIT warm-up); medians over runs; ratios are taken within "
                        + "a round, then the median.")
                .note("Near-cache hits: the share of query-api's article reads that its near cache answered "
                        + "without Redis, over each whole cell (warm-up included), median over runs. The cache "
                        + "fills as articles are read, so the first cells of a run hit less.")
                .note("Skewed ids: half of the requests go to the hot 1% of articles, which hold half of all "
                        + "comments and likes (that is where SQL COUNTs are expensive).")
                .note("The bare Javalin answers a fixed body of the same size (article " + articleBytes
                        + " bytes, board page " + pageBytes + " bytes). SQL: one SELECT with COUNT subqueries per "
                        + "article through a HikariCP pool of 10 on the command database.")
                .note("CPU us/req: CPU microseconds per answered request in the measured window (medians over "
                        + "runs), by process. Server JVM: the benchmark's JVM, which runs query-api, the bare Javalin, "
                        + "the SQL server and the idle projector; the SQL baseline's MariaDB is not counted. Redis: "
                        + "INFO cpu, for query-api only. Generator: the load generator's JVM. Two cores give "
                        + "2,000,000 us per second in all, so their sum bounds the throughput.");
    }
}
