package dev.boardcqrs.query;

import dev.boardcqrs.common.metrics.ServiceMetrics;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.RedisClients;
import dev.boardcqrs.common.web.HttpApps;
import dev.boardcqrs.common.web.OpenApiDocument;
import dev.boardcqrs.query.list.ArticleLists;
import dev.boardcqrs.query.metrics.QueryMetrics;
import dev.boardcqrs.query.nearcache.InvalidationListener;
import dev.boardcqrs.query.readthrough.ArticleSource;
import dev.boardcqrs.query.readthrough.DatabaseGuard;
import dev.boardcqrs.query.consistency.KnownOrigins;
import dev.boardcqrs.query.consistency.ProgressWatcher;
import dev.boardcqrs.query.consistency.ReadAfter;
import dev.boardcqrs.query.consistency.RedisApplied;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.RedisClient;

/**
 * Builds query-api from its dependencies and returns it unstarted; Main and the tests build the same. The routes
 * are those of the registered read models ({@link ReadModels}), plus /health, /metrics and /openapi.json (a
 * description kept by hand in resources/openapi/query-api.json; ApiContractIT holds it to the router).
 */
public final class QueryApp {
    private QueryApp() {
    }

    /** {@code articles}: where what Redis does not hold is read (the database, or a replica of it). */
    public static Javalin create(QueryApiConfig config, RedisClient redis, ArticleSource articles) {
        KeyScheme keys = new KeyScheme(config.namespace());
        ServiceMetrics metrics = new ServiceMetrics("query-api");
        QueryMetrics queryMetrics = new QueryMetrics(metrics.registry());
        DatabaseGuard database = new DatabaseGuard(config.readThroughConcurrency(), config.readThroughTimeout());
        // one thread for every read that waits for the projector; 2 ms between looks costs Redis 500 small script
        // calls a second while anyone waits, and nothing while nobody does
        RedisApplied applied = new RedisApplied(redis, keys);
        ProgressWatcher watcher = new ProgressWatcher(applied, Duration.ofMillis(2));
        ReadAfter readAfter = new ReadAfter(applied, watcher,
                new KnownOrigins(articles::origins, System::nanoTime), config.readAfterTimeout(), queryMetrics);
        ReadServices services = new ReadServices(config, redis, keys, articles, database,
                new ArticleLists(redis, keys, articles, database), queryMetrics, readAfter);
        List<ReadModel> models = ReadModels.all(services);
        // without it the near caches never serve: every read goes to Redis
        InvalidationListener invalidations = config.nearCacheMegabytes() > 0 ? new InvalidationListener(
                () -> RedisClients.dedicatedConnection(redis), keys,
                models.stream().flatMap(model -> model.nearCaches().stream()).toList()) : null;
        return HttpApps.create(config.host(), config.port(), metrics, routes -> {
            models.forEach(model -> model.routes(routes));
            routes.get("/health", ctx -> {
                redis.ping();
                ctx.json(Map.of("status", "UP", "nearCache", invalidations == null ? "off" : invalidations.state()));
            });
            OpenApiDocument.route(routes, "openapi/query-api.json");
        }, events -> {
            events.serverStopping(watcher::close);
            if (invalidations != null) {
                events.serverStarted(invalidations::start);
                events.serverStopping(invalidations::close);
            }
        });
    }
}
