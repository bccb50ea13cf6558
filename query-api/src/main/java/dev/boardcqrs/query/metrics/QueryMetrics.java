package dev.boardcqrs.query.metrics;

import dev.boardcqrs.query.nearcache.NearCache;
import dev.boardcqrs.query.degrade.RedisBreaker;
import dev.boardcqrs.query.readthrough.DatabaseGuard;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;

/**
 * What query-api counts beyond requests: how often an article model was found without SQL (hit: in the near
 * cache or Redis) or not (miss), how often the near cache answered, how many models the read-through rebuilt
 * from SQL, how many read-through reads failed (the answer was then 503), how reads after a consistency token
 * were answered; the Redis circuit breaker's state, how often the database answered instead of Redis, and how many
 * database reads ran, waited and were refused.
 */
public final class QueryMetrics {
    private final Counter hits;
    private final Counter misses;
    private final Counter rebuilds;
    private final Counter nearCacheHits;
    private final Counter nearCacheMisses;
    private final Counter databaseFallbacks;
    private final MeterRegistry registry;

    public QueryMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.hits = Counter.builder("query.model.hits")
                .description("article models found in the near cache or Redis").register(registry);
        this.misses = Counter.builder("query.model.misses").description("article models missing from Redis")
                .register(registry);
        this.nearCacheHits = Counter.builder("query.nearcache.hits")
                .description("article models the near cache held: read without Redis").register(registry);
        this.nearCacheMisses = Counter.builder("query.nearcache.misses")
                .description("article models the serving near cache did not hold").register(registry);
        this.rebuilds = Counter.builder("query.readthrough.rebuilds")
                .description("article models read from SQL and stored by the read-through").register(registry);
        this.databaseFallbacks = Counter.builder("query.database.fallbacks")
                .description("reads answered from the database alone because Redis could not be asked")
                .register(registry);
    }

    /** A read answered from the database alone: Redis was down (or its circuit breaker open). */
    public void databaseFallback() {
        databaseFallbacks.increment();
    }

    /**
     * Gauges of the Redis circuit breaker: one series per state, 1 for the state it is in; and the share of the
     * reads of the last ten seconds that the database answered.
     */
    public void watch(RedisBreaker breaker) {
        for (CircuitBreaker.State state : List.of(CircuitBreaker.State.CLOSED, CircuitBreaker.State.OPEN,
                CircuitBreaker.State.HALF_OPEN)) {
            Gauge.builder("query.redis.breaker.state", breaker, b -> b.state() == state ? 1 : 0)
                    .description("1 for the state the Redis circuit breaker is in")
                    .tag("state", state.name().toLowerCase(Locale.ROOT)).register(registry);
        }
        Gauge.builder("query.database.fallback.share", breaker, RedisBreaker::fallbackShare)
                .description("share of the reads of the last 10 s answered from the database alone").register(registry);
    }

    /** Gauges of the guard of database reads: running, most at once since start, waiting, and refused (503). */
    public void watch(DatabaseGuard guard) {
        Gauge.builder("query.database.reads.running", guard, DatabaseGuard::running)
                .description("database reads running now").register(registry);
        Gauge.builder("query.database.reads.most", guard, DatabaseGuard::mostRunning)
                .description("the most database reads that ran at once since start (READ_THROUGH_CONCURRENCY bounds it)")
                .register(registry);
        Gauge.builder("query.database.reads.waiting", guard, DatabaseGuard::waiting)
                .description("reads waiting for a database permit now").register(registry);
        FunctionCounter.builder("query.database.reads.refused", guard, DatabaseGuard::refused)
                .description("reads answered 503 at once: as many waited already, or no permit came in time")
                .register(registry);
    }

    public void hits(int count) {
        hits.increment(count);
    }

    public void misses(int count) {
        misses.increment(count);
    }

    /** Articles the near cache held: found without Redis. */
    public void nearCacheHits(int count) {
        nearCacheHits.increment(count);
        hits.increment(count);
    }

    public void nearCacheMiss() {
        nearCacheMisses.increment();
    }

    /** Gauges of the near cache: the keys it holds, and 1 while it serves (invalidations flow). */
    public void watch(NearCache<?, ?> nearCache) {
        Gauge.builder("query.nearcache.entries", nearCache, NearCache::size)
                .description("article models the near cache holds (or is reading)").register(registry);
        Gauge.builder("query.nearcache.serving", nearCache, cache -> cache.serving() ? 1 : 0)
                .description("1 while Redis reports changes and the near cache answers, 0 otherwise").register(registry);
    }

    public void rebuilt(int models) {
        rebuilds.increment(models);
    }

    /**
     * A read that carried a consistency token, by where its answer came from: {@code redis} (covered at once),
     * {@code waited} (covered after waiting for the projector), {@code database} (the wait ran out).
     */
    public void readAfter(String outcome) {
        Counter.builder("query.readafter").description("reads that carried a consistency token, by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    /** A read-through that failed, tagged with the exception's class name (a small, fixed set). */
    public void fallbackError(Throwable error) {
        Counter.builder("query.readthrough.errors").description("read-through reads from SQL that failed")
                .tag("exception", error.getClass().getSimpleName()).register(registry).increment();
    }
}
