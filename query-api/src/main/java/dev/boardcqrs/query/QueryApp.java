package dev.boardcqrs.query;

import dev.boardcqrs.common.metrics.ServiceMetrics;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.search.HttpSearchClient;
import dev.boardcqrs.common.web.HttpApps;
import dev.boardcqrs.common.web.OpenApiDocument;
import dev.boardcqrs.query.catalog.CatalogSource;
import dev.boardcqrs.query.consistency.KnownOrigins;
import dev.boardcqrs.query.consistency.ProgressWatcher;
import dev.boardcqrs.query.consistency.ReadAfter;
import dev.boardcqrs.query.consistency.RedisApplied;
import dev.boardcqrs.query.degrade.RedisBreaker;
import dev.boardcqrs.query.list.ArticleLists;
import dev.boardcqrs.query.metrics.QueryMetrics;
import dev.boardcqrs.query.nearcache.InvalidationTarget;
import dev.boardcqrs.query.nearcache.Invalidations;
import dev.boardcqrs.query.readthrough.ArticleSource;
import dev.boardcqrs.query.readthrough.DatabaseGuard;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Builds query-api from its dependencies and returns it unstarted; Main and the tests build the same. The routes
 * are those of the registered read models ({@link ReadModels}), plus /health, /metrics and /openapi.json (a
 * description kept by hand in resources/openapi/query-api.json; ApiContractIT holds it to the router).
 */
public final class QueryApp {
    private QueryApp() {
    }

    /** Without a database for catalogs: while Redis is down, the catalog tree answers 503. */
    public static Javalin create(QueryApiConfig config, UnifiedJedis redis, ArticleSource articles) {
        return create(config, redis, articles, CatalogSource.NONE);
    }

    /**
     * {@code articles}, {@code catalogs}: where what Redis does not hold, and everything while Redis is down, is read
     * (the database, or a replica of it).
     */
    public static Javalin create(QueryApiConfig config, UnifiedJedis redis, ArticleSource articles,
                                 CatalogSource catalogs) {
        KeyScheme keys = new KeyScheme(config.namespace());
        ServiceMetrics metrics = new ServiceMetrics("query-api");
        QueryMetrics queryMetrics = new QueryMetrics(metrics.registry());
        DatabaseGuard database = new DatabaseGuard(config.readThroughConcurrency(), config.readThroughWaiting(),
                config.readThroughTimeout());
        queryMetrics.watch(database);
        RedisBreaker breaker = RedisBreaker.of(config, queryMetrics);
        // one thread for every read that waits for the projector: it looks when Redis reports a projector commit
        // (through the near caches' invalidation connection), and every millisecond besides, reports or not: at
        // 1,000 writes/s that connection carries thousands of model-key reports a second, and the meta's can come
        // late (token reads waited a third to a half longer in A/B runs with 50 ms between looks). At most 1,000
        // small script calls a second while anyone waits, however many do; nothing while nobody waits
        RedisApplied applied = new RedisApplied(redis, keys);
        ProgressWatcher watcher = new ProgressWatcher(applied, keys.appliedChannel(), Duration.ofMillis(1),
                Duration.ofMillis(1));
        ReadAfter readAfter = new ReadAfter(applied, watcher,
                new KnownOrigins(articles::origins, System::nanoTime), config.readAfterTimeout(), queryMetrics);
        ArticleLists lists = new ArticleLists(redis, keys, articles, database, config.nearCacheMegabytes() * 1024L * 1024L);
        ReadServices services = new ReadServices(config, redis, keys, articles, database, lists, queryMetrics,
                readAfter, breaker, catalogs, config.search().enabled() ? new HttpSearchClient(config.search()) : null);
        List<ReadModel> models = ReadModels.all(services);
        List<InvalidationTarget> reported = new ArrayList<>(List.of(lists.nearCache()));
        models.forEach(model -> reported.addAll(model.nearCaches()));
        reported.add(watcher);
        // without it the near caches never serve (every read goes to Redis) and token reads wait by polling
        Invalidations invalidations = config.nearCacheMegabytes() > 0 ? Invalidations.of(redis, keys, reported) : null;
        return HttpApps.create(config.host(), config.port(), metrics, routes -> {
            models.forEach(model -> model.routes(routes));
            routes.get("/health", ctx -> ctx.json(health(redis, breaker, database,
                    invalidations == null ? "off" : invalidations.state())));
            OpenApiDocument.route(routes, "openapi/query-api.json");
        }, events -> {
            events.serverStopping(watcher::close);
            if (invalidations != null) {
                events.serverStarted(invalidations::start);
                events.serverStopping(invalidations::close);
            }
        });
    }

    /**
     * UP, or DEGRADED while Redis is down and the database answers instead (still 200: the service serves, and a
     * restart would not bring Redis back); 503 while Redis is down and the fallback is off. Redis is pinged through the
     * breaker: not while it is open, so a Redis that times out does not make the health check wait as well, and as a
     * probe once it is half-open, so a health check brings traffic back to a Redis that returned when no reader does.
     */
    private static Map<String, Object> health(UnifiedJedis redis, RedisBreaker breaker, DatabaseGuard database,
                                              String nearCache) {
        String redisState = breaker.answers(redis::ping) ? "up" : "down";
        if (!redisState.equals("up") && !breaker.fallbackOn()) {
            throw new JedisConnectionException("Redis is unavailable and REDIS_DOWN_FALLBACK is none");
        }
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", redisState.equals("up") ? "UP" : "DEGRADED");
        health.put("redis", redisState);
        health.put("redisBreaker", breaker.state().name());
        health.put("databaseFallbackShare", breaker.fallbackShare());
        health.put("databaseReads", Map.of("running", database.running(), "mostAtOnce", database.mostRunning(),
                "waiting", database.waiting(), "refused", database.refused()));
        health.put("nearCache", nearCache);
        return health;
    }
}
