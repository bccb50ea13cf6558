package dev.boardcqrs.query;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.query.catalog.CatalogSource;
import dev.boardcqrs.query.consistency.ReadAfter;
import dev.boardcqrs.query.degrade.RedisBreaker;
import dev.boardcqrs.query.list.ArticleLists;
import dev.boardcqrs.query.metrics.QueryMetrics;
import dev.boardcqrs.query.readthrough.ArticleSource;
import dev.boardcqrs.query.readthrough.DatabaseGuard;
import redis.clients.jedis.UnifiedJedis;

/**
 * What query-api gives every read model: its config, Redis and the namespace's keys, the article table's SQL source
 * behind the guard that bounds database reads, owners' article lists, metrics, where each read may be answered from
 * after a consistency token ({@link ReadAfter}), the breaker that sends reads to the database while Redis is down,
 * the catalog tables' SQL source, and the memory each near cache may use.
 */
public record ReadServices(QueryApiConfig config, UnifiedJedis redis, KeyScheme keys, ArticleSource articles,
                           DatabaseGuard database, ArticleLists lists, QueryMetrics metrics, ReadAfter readAfter,
                           RedisBreaker breaker, CatalogSource catalogs) {

    /** How much memory a near cache may use (0: the near caches are off). */
    public long nearCacheBytes() {
        return config.nearCacheMegabytes() * 1024L * 1024L;
    }
}
