package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.bench.baseline.SqlServer;
import dev.boardcqrs.bench.data.Dataset;
import dev.boardcqrs.bench.load.HttpConnection;
import dev.boardcqrs.bench.load.IdPicker;
import dev.boardcqrs.bench.load.LoadRun;
import dev.boardcqrs.bench.report.Results;
import dev.boardcqrs.bench.report.Section;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.FreePort;
import dev.boardcqrs.query.QueryApiConfig;
import dev.boardcqrs.query.QueryApp;
import dev.boardcqrs.query.catalog.SqlCatalogSource;
import dev.boardcqrs.query.readthrough.QueryDatabase;
import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.query.readthrough.SqlArticleSource;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.RedisClient;

/**
 * Reads while Redis is down: a second query-api on the stack's database whose Redis is a port nobody listens on,
 * so every read goes to the database through its guard (READ_THROUGH_CONCURRENCY reads at once, READ_THROUGH_WAITING
 * waiting, the rest 503 at once), beside the same answers computed by SQL per request (HikariCP, no bound) in the
 * same round. The stack itself keeps its Redis: the scenarios after this one are not disturbed.
 */
public final class RedisDownScenario implements Scenario {
    private static final String ARTICLE = "/articles/{id}";
    private static final String PAGE = "/boards/{id}/articles?page=1&pageSize=20";
    private static final List<String> TARGETS = List.of("query-api, Redis down", "SQL");
    private static final Duration BREAKER_OPEN_AT_MOST = Duration.ofSeconds(60);

    @Override
    public String name() {
        return "redis-down";
    }

    private record Workload(String name, String path, IdPicker ids, int concurrency) {
    }

    @Override
    public void run(BenchContext context, Results results) throws Exception {
        EmbeddedDatabase db = context.stack().database();
        Dataset data = context.data();
        List<Workload> workloads = new ArrayList<>();
        for (int concurrency : context.config().concurrencies()) {
            workloads.add(new Workload("article, uniform ids", ARTICLE, new IdPicker(data.articles(), 0), concurrency));
            workloads.add(new Workload("board list page", PAGE, new IdPicker(data.boards(), 0), concurrency));
        }
        QueryApiConfig config = QueryApiConfig.fromEnv(new Env(Map.of("QUERY_API_PORT", "0",
                "REDIS_URL", "redis://127.0.0.1:" + FreePort.find(), "QUERY_DATABASE_URL", db.jdbcUrl())));
        Map<Workload, Map<String, List<LoadRun.Result>>> measured = new LinkedHashMap<>();
        try (RedisClient nowhere = RedisClient.create(URI.create(config.redisUrl()));
             HikariDataSource pool = QueryDatabase.pool(config);
             SqlServer sql = new SqlServer(db.jdbcUrl(), EmbeddedDatabase.APP_USER, EmbeddedDatabase.APP_PASSWORD)) {
            Javalin degraded = QueryApp.create(config, nowhere,
                    new SqlArticleSource(pool, config.readThroughTimeout()),
                    new SqlCatalogSource(pool, config.readThroughTimeout())).start();
            try {
                awaitAnsweringFromTheDatabase(degraded.port());
                Map<String, Integer> ports = Map.of(TARGETS.get(0), degraded.port(), "SQL", sql.port());
                for (int round = 0; round < context.config().runs(); round++) {
                    for (Workload workload : workloads) {
                        for (String target : TARGETS) {
                            measured.computeIfAbsent(workload, w -> new LinkedHashMap<>())
                                    .computeIfAbsent(target, t -> new ArrayList<>())
                                    .add(LoadRun.run(ports.get(target), workload.path(), workload.ids(),
                                            workload.concurrency(), context.config().warmup(),
                                            context.config().duration()));
                        }
                    }
                }
            } finally {
                degraded.stop();
            }
        }
        report(results, measured, config);
    }

    /**
     * The first reads wait for Redis to time out before the breaker opens; on a loaded machine that took longer than
     * CI's tiny run measures, which then counted no answer at all. What is measured is the state after it: reads
     * answered from the database.
     */
    private static void awaitAnsweringFromTheDatabase(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + BREAKER_OPEN_AT_MOST.toNanos();
        try (HttpConnection http = new HttpConnection("127.0.0.1", port)) {
            // 200, or 404 for an article an earlier scenario deleted: answered either way
            while (http.get(ARTICLE.replace("{id}", "1")).status() >= 500) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("query-api without Redis did not answer from the database within "
                            + BREAKER_OPEN_AT_MOST.toSeconds() + " s");
                }
                Thread.sleep(50);
            }
        }
    }

    private static void report(Results results, Map<Workload, Map<String, List<LoadRun.Result>>> measured,
                               QueryApiConfig config) {
        Section section = results.add(Section.of("redis-down", "Reads while Redis is down: query-api from the "
                        + "database vs SQL per request", "workload", "c", "target", "req/s (median)", "p50 ms", "p99 ms",
                "errors (503)", "requests", "query-api / SQL"));
        List<Map<String, Object>> rows = new ArrayList<>();
        measured.forEach((workload, byTarget) -> {
            List<LoadRun.Result> down = byTarget.get(TARGETS.get(0));
            List<LoadRun.Result> sql = byTarget.get("SQL");
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < down.size(); i++) {
                ratios.add(down.get(i).throughput() / sql.get(i).throughput());
            }
            for (String target : TARGETS) {
                List<LoadRun.Result> runs = byTarget.get(target);
                Stats.Cell cell = Stats.Cell.of(runs);
                boolean degraded = target.equals(TARGETS.get(0));
                section.row(workload.name(), workload.concurrency(), target, cell.throughput(), cell.p50Ms(),
                        cell.p99Ms(), cell.errors(), cell.requests(), degraded ? Stats.median(ratios) : null);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("workload", workload.name());
                row.putAll(cell.row(target, workload.concurrency()));
                row.put("runs", runs);
                rows.add(row);
            }
        });
        section.put("measurements", rows)
                .put("readThroughConcurrency", config.readThroughConcurrency())
                .put("readThroughWaiting", config.readThroughWaiting())
                .note("query-api's Redis is a closed port: its circuit breaker opens after the first reads and every "
                        + "read is answered from the database, at most " + config.readThroughConcurrency()
                        + " at once with " + config.readThroughWaiting() + " waiting; beyond that 503 at once "
                        + "(errors). The SQL baseline computes the same answers per request without a bound.");
    }
}
