package dev.boardcqrs.query.degrade;

import dev.boardcqrs.common.web.ApiException;
import dev.boardcqrs.query.QueryApiConfig;
import dev.boardcqrs.query.metrics.QueryMetrics;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Decides, read by read, whether a read model asks Redis or the database: a resilience4j circuit breaker over the
 * reads that go to Redis. A read whose Redis call fails for want of Redis (refused, reset, timed out:
 * {@link JedisConnectionException}) is answered from the database at once; once that is the case for the configured
 * share of the recent reads, the breaker opens and reads skip Redis altogether, so no request waits for a Redis that
 * is not there. After {@code REDIS_BREAKER_OPEN_FOR} a few reads probe Redis again (half-open); when they succeed,
 * traffic returns to it. Whatever else a read throws (not found, a busy database, a script error) is Redis
 * answering, and passes through. The log says once when the breaker opens and once when it closes.
 */
public final class RedisBreaker {
    private static final Logger log = LoggerFactory.getLogger(RedisBreaker.class);

    private final CircuitBreaker breaker;
    private final boolean fallback;
    private final QueryMetrics metrics;
    private final FallbackRate rate = new FallbackRate(System::nanoTime);

    /** {@code fallback}: false answers 503 while Redis is down, as before the breaker (REDIS_DOWN_FALLBACK=none). */
    public RedisBreaker(CircuitBreakerConfig settings, boolean fallback, QueryMetrics metrics) {
        this.breaker = CircuitBreaker.of("redis", settings);
        this.fallback = fallback;
        this.metrics = metrics;
        breaker.getEventPublisher().onStateTransition(event -> logged(event.getStateTransition()));
        metrics.watch(this);
    }

    public static RedisBreaker of(QueryApiConfig config, QueryMetrics metrics) {
        return new RedisBreaker(settings(config), config.databaseFallback(), metrics);
    }

    static CircuitBreakerConfig settings(QueryApiConfig config) {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(config.breakerWindow())
                // a few failed reads are enough to know: a dead Redis refuses every one of them
                .minimumNumberOfCalls(Math.min(5, config.breakerWindow()))
                .failureRateThreshold(config.breakerFailureRate())
                .waitDurationInOpenState(config.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(config.breakerProbes())
                .recordException(RedisBreaker::redisMissing)
                .ignoreExceptions(ApiException.class)
                .build();
    }

    /** Whether this failure means Redis could not be asked, rather than that it answered. */
    static boolean redisMissing(Throwable error) {
        return error instanceof JedisConnectionException;
    }

    /**
     * {@code fromRedis}'s answer while Redis answers, else {@code fromDatabase}'s (which must not touch Redis).
     *
     * @throws JedisConnectionException when Redis is missing and the fallback is off (503)
     */
    public <T> Served<T> read(Supplier<T> fromRedis, Supplier<T> fromDatabase) {
        if (!breaker.tryAcquirePermission()) {
            if (!fallback) {
                throw new JedisConnectionException("Redis is failing: the circuit breaker is " + breaker.getState());
            }
            return fromDatabase(fromDatabase);
        }
        long start = System.nanoTime();
        T value;
        try {
            value = fromRedis.get();
        } catch (RuntimeException e) {
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            if (!redisMissing(e) || !fallback) {
                throw e;
            }
            return fromDatabase(fromDatabase);
        }
        breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        rate.byReadModel();
        return Served.byReadModel(value);
    }

    /**
     * Whether Redis answers {@code ping}, asked as a read is (so a health check probes a Redis that came back even
     * when no reader does); false without asking while the breaker is open.
     */
    public boolean answers(Runnable ping) {
        if (!breaker.tryAcquirePermission()) {
            return false;
        }
        long start = System.nanoTime();
        try {
            ping.run();
        } catch (RuntimeException e) {
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            if (redisMissing(e)) {
                return false;
            }
            throw e;
        }
        breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return true;
    }

    private <T> Served<T> fromDatabase(Supplier<T> fromDatabase) {
        rate.byDatabase();
        metrics.databaseFallback();
        return Served.byDatabase(fromDatabase.get());
    }

    /** CLOSED, OPEN or HALF_OPEN. */
    public CircuitBreaker.State state() {
        return breaker.getState();
    }

    /** The share (0 to 1) of the recent reads answered from the database; see {@link FallbackRate}. */
    public double fallbackShare() {
        return rate.share();
    }

    public boolean fallbackOn() {
        return fallback;
    }

    private void logged(CircuitBreaker.StateTransition transition) {
        switch (transition) {
            case CLOSED_TO_OPEN -> log.warn("Redis is failing ({}% of the last reads): reads are answered {} until it "
                    + "answers again", Math.round(breaker.getMetrics().getFailureRate()),
                    fallback ? "from the database" : "with 503");
            case HALF_OPEN_TO_CLOSED -> log.info("Redis answers again: reads go to Redis");
            // probes that failed, or began: every few seconds while Redis is down, not worth a line each
            default -> log.debug("Redis circuit breaker: {}", transition);
        }
    }
}
