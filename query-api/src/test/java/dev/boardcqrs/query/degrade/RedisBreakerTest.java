package dev.boardcqrs.query.degrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.web.ApiException;
import dev.boardcqrs.query.QueryApiConfig;
import dev.boardcqrs.query.metrics.QueryMetrics;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

class RedisBreakerTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger redisCalls = new AtomicInteger();
    private final AtomicBoolean redisUp = new AtomicBoolean(true);

    @Test
    void shouldAnswerFromTheDatabaseTheReadWhoseRedisCallFoundNoRedis() {
        RedisBreaker breaker = breaker(Map.of());
        redisUp.set(false);

        Served<String> served = breaker.read(this::redis, () -> "database");

        assertThat(served).isEqualTo(Served.byDatabase("database"));
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED); // one failure is not yet a pattern
        assertThat(registry.get("query.database.fallbacks").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldStopAskingRedisOnceMostRecentReadsFoundNoRedis() {
        RedisBreaker breaker = breaker(Map.of("REDIS_BREAKER_WINDOW", "4"));
        redisUp.set(false);
        for (int i = 0; i < 4; i++) {
            breaker.read(this::redis, () -> "database");
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        int calls = redisCalls.get();

        assertThat(breaker.read(this::redis, () -> "database").fromDatabase()).isTrue();

        assertThat(redisCalls.get()).as("Redis calls while open").isEqualTo(calls);
        assertThat(registry.get("query.redis.breaker.state").tag("state", "open").gauge().value()).isEqualTo(1);
        assertThat(breaker.fallbackShare()).isEqualTo(1.0);
    }

    @Test
    void shouldProbeRedisAfterTheOpenTimeAndReturnToItWhenItAnswers() {
        RedisBreaker breaker = breaker(Map.of("REDIS_BREAKER_WINDOW", "4", "REDIS_BREAKER_OPEN_FOR", "100ms",
                "REDIS_BREAKER_PROBES", "2"));
        redisUp.set(false);
        for (int i = 0; i < 4; i++) {
            breaker.read(this::redis, () -> "database");
        }
        redisUp.set(true);

        await().atMost(Duration.ofSeconds(5)).until(() -> !breaker.read(this::redis, () -> "database").fromDatabase());
        breaker.read(this::redis, () -> "database");

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.read(this::redis, () -> "database")).isEqualTo(Served.byReadModel("redis"));
        assertThat(registry.get("query.redis.breaker.state").tag("state", "closed").gauge().value()).isEqualTo(1);
    }

    @Test
    void shouldPassOnWhatRedisAnsweredWithoutCountingItAgainstRedis() {
        RedisBreaker breaker = breaker(Map.of("REDIS_BREAKER_WINDOW", "2"));
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> breaker.read(() -> {
                throw ApiException.notFound("article 1 does not exist");
            }, () -> "database")).isInstanceOf(ApiException.class);
            assertThatThrownBy(() -> breaker.read(() -> {
                throw new JedisDataException("NOSCRIPT");
            }, () -> "database")).isInstanceOf(JedisDataException.class);
        }

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(registry.get("query.database.fallbacks").counter().count()).isZero();
    }

    @Test
    void shouldAnswer503InsteadWhenTheFallbackIsOff() {
        RedisBreaker breaker = breaker(Map.of("REDIS_DOWN_FALLBACK", "none", "REDIS_BREAKER_WINDOW", "2"));
        redisUp.set(false);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> breaker.read(this::redis, () -> "database"))
                    .isInstanceOf(JedisConnectionException.class);
        }
        int calls = redisCalls.get();

        assertThatThrownBy(() -> breaker.read(this::redis, () -> "database"))
                .isInstanceOf(JedisConnectionException.class);
        assertThat(redisCalls.get()).as("open: Redis is not asked, the answer is 503 at once").isEqualTo(calls);
    }

    private String redis() {
        redisCalls.incrementAndGet();
        if (!redisUp.get()) {
            throw new JedisConnectionException("Connection refused");
        }
        return "redis";
    }

    private RedisBreaker breaker(Map<String, String> settings) {
        Map<String, String> variables = new HashMap<>(settings);
        return RedisBreaker.of(QueryApiConfig.fromEnv(new Env(variables)), new QueryMetrics(registry));
    }
}
