package dev.boardcqrs.query;

import dev.boardcqrs.common.board.ArticleModel;
import dev.boardcqrs.common.board.KeyScheme;
import dev.boardcqrs.common.metrics.ServiceMetrics;
import dev.boardcqrs.common.redis.RedisClients;
import dev.boardcqrs.common.web.HttpApps;
import dev.boardcqrs.query.article.ArticleController;
import dev.boardcqrs.query.article.ArticleQueries;
import dev.boardcqrs.query.catalog.CatalogController;
import dev.boardcqrs.query.catalog.CatalogQueries;
import dev.boardcqrs.query.metrics.QueryMetrics;
import dev.boardcqrs.query.nearcache.InvalidationListener;
import dev.boardcqrs.query.nearcache.NearCache;
import dev.boardcqrs.query.readthrough.ArticleSource;
import dev.boardcqrs.query.readthrough.ReadThrough;
import dev.boardcqrs.query.view.ViewCounts;
import io.javalin.Javalin;
import java.util.Map;
import redis.clients.jedis.RedisClient;

/** Builds query-api from its dependencies and returns it unstarted; Main and the tests build the same. */
public final class QueryApp {
    private QueryApp() {
    }

    public static Javalin create(QueryApiConfig config, RedisClient redis, ArticleSource source) {
        KeyScheme keys = new KeyScheme(config.namespace());
        ServiceMetrics metrics = new ServiceMetrics("query-api");
        QueryMetrics queryMetrics = new QueryMetrics(metrics.registry());
        long nearCacheBytes = config.nearCacheMegabytes() * 1024L * 1024L;
        NearCache<Long, ArticleModel> nearCache = new NearCache<>(nearCacheBytes, ArticleQueries::heapBytes);
        NearCache<String, byte[]> catalogTree = new NearCache<>(nearCacheBytes, json -> json.length);
        // a view count kept beyond its TTL is worth keeping while its article's model is kept (about 1 KB)
        ViewCounts views = new ViewCounts(redis, keys, config.viewCountCacheTtl(),
                Math.max(10_000, nearCacheBytes / 1024), System::nanoTime);
        queryMetrics.watch(nearCache);
        // without it the caches never serve: every read goes to Redis
        InvalidationListener invalidations = config.nearCacheMegabytes() > 0 ? new InvalidationListener(
                () -> RedisClients.dedicatedConnection(redis), keys, nearCache, views, catalogTree) : null;
        ReadThrough readThrough = new ReadThrough(source, redis, keys, config.readThroughConcurrency(),
                config.readThroughTimeout(), config.modelTtl(), queryMetrics);
        ArticleController articles = new ArticleController(new ArticleQueries(redis, keys, views, readThrough, source,
                queryMetrics, nearCache));
        CatalogController catalogs = new CatalogController(new CatalogQueries(redis, keys, catalogTree));
        return HttpApps.create(config.host(), config.port(), metrics, routes -> {
            routes.get("/articles/{articleId}", articles::article);
            routes.get("/boards/{boardId}/articles", articles::page);
            routes.get("/boards/{boardId}/articles/infinite-scroll", articles::scroll);
            routes.get("/catalogs/tree", catalogs::tree);
            routes.get("/catalogs/{catalogId}/products", catalogs::products);
            routes.get("/health", ctx -> {
                redis.ping();
                ctx.json(Map.of("status", "UP", "nearCache", invalidations == null ? "off" : invalidations.state()));
            });
        }, events -> {
            if (invalidations != null) {
                events.serverStarted(invalidations::start);
                events.serverStopping(invalidations::close);
            }
        });
    }
}
