package dev.boardcqrs.query.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What query-api counts beyond requests: how often an article model was in Redis (hit) or not (miss), how many
 * models the read-through rebuilt from SQL, and how many read-through reads failed (the answer was then 503).
 */
public final class QueryMetrics {
    private final Counter hits;
    private final Counter misses;
    private final Counter rebuilds;
    private final MeterRegistry registry;

    public QueryMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.hits = Counter.builder("query.model.hits").description("article models found in Redis").register(registry);
        this.misses = Counter.builder("query.model.misses").description("article models missing from Redis")
                .register(registry);
        this.rebuilds = Counter.builder("query.readthrough.rebuilds")
                .description("article models read from SQL and stored by the read-through").register(registry);
    }

    public void hits(int count) {
        hits.increment(count);
    }

    public void misses(int count) {
        misses.increment(count);
    }

    public void rebuilt(int models) {
        rebuilds.increment(models);
    }

    /** A read-through that failed, tagged with the exception's class name (a small, fixed set). */
    public void fallbackError(Throwable error) {
        Counter.builder("query.readthrough.errors").description("read-through reads from SQL that failed")
                .tag("exception", error.getClass().getSimpleName()).register(registry).increment();
    }
}
