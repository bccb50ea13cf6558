package dev.boardcqrs.bench.scenario;

import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.bench.baseline.BareServer;
import dev.boardcqrs.bench.load.HttpConnection;
import dev.boardcqrs.bench.load.IdPicker;
import dev.boardcqrs.bench.load.LoadRun;
import dev.boardcqrs.bench.report.Format;
import dev.boardcqrs.bench.report.Results;
import dev.boardcqrs.bench.report.Section;
import dev.boardcqrs.bench.report.TargetCheck;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.redis.RedisClients;
import dev.boardcqrs.embedded.PrometheusText;
import dev.boardcqrs.query.QueryApiConfig;
import dev.boardcqrs.query.QueryApp;
import dev.boardcqrs.query.catalog.SqlCatalogSource;
import dev.boardcqrs.query.readthrough.QueryDatabase;
import dev.boardcqrs.query.readthrough.SqlArticleSource;
import io.javalin.Javalin;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * Reads beyond the near cache: a second query-api on the stack's Redis and database whose near cache holds about a
 * tenth of the article models, read with uniform ids, against the bare Javalin (the HTTP ceiling). That is what a
 * deployment with more articles than heap gets: nine reads in ten go to Redis. The cache's size comes from what a
 * kept article weighs in this run: a first instance with 1 MB is filled and its entries counted.
 */
public final class SmallNearCacheScenario implements Scenario {
    private static final Logger log = LoggerFactory.getLogger(SmallNearCacheScenario.class);
    private static final String ARTICLE = "/articles/{id}";
    private static final double SHARE = 0.1;
    private static final List<String> TARGETS = List.of("query-api, a tenth in the near cache", "bare Javalin");
    private static final Duration WARM_UP_EXTRA = Duration.ofSeconds(2);

    @Override
    public String name() {
        return "small-near-cache";
    }

    @Override
    public void run(BenchContext context, Results results) throws Exception {
        IdPicker uniform = new IdPicker(context.data().articles(), 0);
        Duration warmUp = context.config().warmup().plus(WARM_UP_EXTRA);
        long perMegabyte;
        try (SmallQueryApi probe = SmallQueryApi.start(context, 1)) {
            LoadRun.run(probe.port(), ARTICLE, uniform, 10, Duration.ZERO, warmUp);
            perMegabyte = Math.max(1, Math.round(probe.counter("query_nearcache_entries")));
        }
        int megabytes = (int) Math.max(1, Math.round(context.data().articles() * SHARE / perMegabyte));
        log.info("{}: a kept article model weighs about {} bytes; near cache of {} MB for {} articles", name(),
                1024 * 1024 / perMegabyte, megabytes, context.data().articles());
        String articleBody;
        try (HttpConnection http = new HttpConnection("127.0.0.1", context.queryApiPort())) {
            articleBody = http.get("/articles/2").body();
        }
        Map<Integer, Map<String, List<LoadRun.Result>>> measured = new LinkedHashMap<>();
        Map<Integer, List<Double>> hitShares = new LinkedHashMap<>();
        double heldShare;
        try (SmallQueryApi queryApi = SmallQueryApi.start(context, megabytes);
             BareServer bare = new BareServer(articleBody, articleBody)) {
            Map<String, Integer> ports = Map.of(TARGETS.get(0), queryApi.port(), TARGETS.get(1), bare.port());
            for (String target : TARGETS) { // JIT and the cache's first fill, unmeasured
                LoadRun.run(ports.get(target), ARTICLE, uniform, 10, Duration.ZERO, warmUp);
            }
            for (int round = 0; round < context.config().runs(); round++) {
                for (int concurrency : context.config().concurrencies()) {
                    for (String target : TARGETS) {
                        double hits = queryApi.counter("query_nearcache_hits_total");
                        double misses = queryApi.counter("query_nearcache_misses_total");
                        LoadRun.Result result = LoadRun.run(ports.get(target), ARTICLE, uniform, concurrency,
                                context.config().warmup(), context.config().duration());
                        measured.computeIfAbsent(concurrency, c -> new LinkedHashMap<>())
                                .computeIfAbsent(target, t -> new ArrayList<>()).add(result);
                        if (target.equals(TARGETS.get(0))) {
                            double hit = queryApi.counter("query_nearcache_hits_total") - hits;
                            double miss = queryApi.counter("query_nearcache_misses_total") - misses;
                            hitShares.computeIfAbsent(concurrency, c -> new ArrayList<>()).add(hit / (hit + miss));
                        }
                    }
                }
            }
            heldShare = queryApi.counter("query_nearcache_entries") / context.data().articles();
        }
        report(context, results, measured, hitShares, megabytes, heldShare);
    }

    private void report(BenchContext context, Results results, Map<Integer, Map<String, List<LoadRun.Result>>> measured,
                        Map<Integer, List<Double>> hitShares, int megabytes, double heldShare) {
        Section section = results.add(Section.of(name(), "Reads beyond the near cache: article reads, uniform ids, "
                        + "with about a tenth of the models in query-api's near cache", "c", "target", "req/s (median)",
                "p50 ms", "p99 ms", "errors", "query-api / bare", "near-cache hits"));
        List<Map<String, Object>> rows = new ArrayList<>();
        int highest = context.config().concurrencies().stream().mapToInt(Integer::intValue).max().orElse(0);
        measured.forEach((concurrency, byTarget) -> {
            List<LoadRun.Result> ours = byTarget.get(TARGETS.get(0));
            double vsBare = Stats.median(Stats.throughputRatios(ours, byTarget.get(TARGETS.get(1))));
            double hitShare = Stats.median(hitShares.get(concurrency));
            for (String target : TARGETS) {
                List<LoadRun.Result> runs = byTarget.get(target);
                boolean queryApi = target.equals(TARGETS.get(0));
                Stats.Cell cell = Stats.Cell.of(runs);
                section.row(concurrency, target, cell.throughput(), cell.p50Ms(), cell.p99Ms(), cell.errors(),
                        queryApi ? vsBare : null, queryApi ? Format.decimal(100 * hitShare) + "%" : null);
                Map<String, Object> row = cell.row(target, concurrency);
                if (queryApi) {
                    row.put("throughputRatioToBare", vsBare);
                    row.put("nearCacheHitShare", hitShare);
                }
                rows.add(row);
            }
            if (concurrency == highest) {
                results.target(TargetCheck.atLeast("article reads with a tenth in the near cache >= 0.5 x bare "
                        + "Javalin, c=" + concurrency + ", uniform ids", vsBare, 0.5, " x"));
            }
        });
        section.put("measurements", rows)
                .put("nearCacheMegabytes", megabytes)
                .put("nearCacheHeldShare", heldShare)
                .note("A second query-api on the same Redis and database, QUERY_NEAR_CACHE_MB=" + megabytes
                        + ", sized from what a kept article weighed in this run; it held "
                        + Format.decimal(100 * heldShare) + "% of the " + context.data().articles()
                        + " article models at the end. Near-cache hits: the share of its article reads the near "
                        + "cache answered, per cell, median over runs.")
                .note("Closed-loop load from a separate JVM, " + context.config().runs() + " run(s) of "
                        + context.config().duration().toMillis() + " ms after " + context.config().warmup().toMillis()
                        + " ms of warm-up per cell, after one unmeasured run per target; ratios within a round.");
    }

    /** A query-api of its own on the stack's Redis and database, with a near cache of {@code megabytes}. */
    private record SmallQueryApi(Javalin app, RedisClient redis, HikariDataSource pool) implements AutoCloseable {

        static SmallQueryApi start(BenchContext context, int megabytes) {
            QueryApiConfig config = QueryApiConfig.fromEnv(new Env(Map.of("QUERY_API_PORT", "0",
                    "REDIS_URL", "redis://127.0.0.1:" + context.stack().redisPort(),
                    "REDIS_NAMESPACE", context.stack().projectorConfig().namespace(),
                    "QUERY_DATABASE_URL", context.stack().database().jdbcUrl(),
                    "QUERY_NEAR_CACHE_MB", Integer.toString(megabytes))));
            RedisClient redis = RedisClients.pooled(config.redisUrl(), config.redisPoolSize());
            HikariDataSource pool = QueryDatabase.pool(config);
            Javalin app = QueryApp.create(config, redis, new SqlArticleSource(pool, config.readThroughTimeout()),
                    new SqlCatalogSource(pool, config.readThroughTimeout())).start();
            return new SmallQueryApi(app, redis, pool);
        }

        int port() {
            return app.port();
        }

        /** A counter or gauge of its /metrics, summed over labels. */
        double counter(String name) throws IOException {
            try (HttpConnection http = new HttpConnection("127.0.0.1", port())) {
                return PrometheusText.sum(http.get("/metrics").body(), name, Map.of());
            }
        }

        @Override
        public void close() {
            app.stop();
            pool.close();
            redis.close();
        }
    }
}
