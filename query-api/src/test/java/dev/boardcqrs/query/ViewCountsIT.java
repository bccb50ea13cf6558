package dev.boardcqrs.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.boardcqrs.common.board.KeyScheme;
import dev.boardcqrs.embedded.EmbeddedRedis;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.query.view.ViewCounts;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The view count cache against a real Redis, counting the reads Redis itself reports (INFO commandstats). */
class ViewCountsIT {
    private static final KeyScheme KEYS = new KeyScheme("v");

    private static EmbeddedRedis redisServer;
    private static RedisClient redis;
    private final AtomicLong clock = new AtomicLong();
    private ViewCounts views;

    @BeforeAll
    static void start() {
        redisServer = SharedServers.redis();
        redis = RedisClient.create(URI.create(redisServer.url()));
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    @BeforeEach
    void freshCache() {
        views = new ViewCounts(redis, KEYS, Duration.ofSeconds(1), clock::get);
    }

    @Test
    void shouldCollapseConcurrentReadersOfOneArticleIntoOneRedisRead() throws Exception {
        redis.set(KEYS.viewCount(7), "12");
        long before = redisReads();
        ExecutorService readers = Executors.newFixedThreadPool(50);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> counts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            counts.add(readers.submit(() -> {
                go.await();
                return countOf(7);
            }));
        }
        go.countDown();
        for (Future<Long> count : counts) {
            assertThat(count.get()).isEqualTo(12);
        }
        readers.shutdown();

        assertThat(redisReads() - before).isEqualTo(1);
    }

    @Test
    void shouldReadAgainOnceTheTtlHasPassed() {
        redis.set(KEYS.viewCount(8), "1");
        long before = redisReads();
        assertThat(countOf(8)).isEqualTo(1);
        redis.set(KEYS.viewCount(8), "2");

        clock.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(countOf(8)).isEqualTo(1);
        clock.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(countOf(8)).isEqualTo(2);

        assertThat(redisReads() - before).isEqualTo(2);
    }

    @Test
    void shouldReadTheMissingCountsOfAPageInOneRoundTrip() {
        redis.set(KEYS.viewCount(21), "5");
        redis.set(KEYS.viewCount(23), "9");
        countOf(23);
        long before = redisReads();

        assertThat(views.of(List.of(21L, 22L, 23L))).containsExactly(
                Map.entry(21L, 5L), Map.entry(22L, 0L), Map.entry(23L, 9L));

        assertThat(redisReads() - before).isEqualTo(1);
    }

    private static long redisReads() {
        Matcher calls = Pattern.compile("cmdstat_mget:calls=(\\d+)").matcher(redis.info("commandstats"));
        return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }

    private long countOf(long articleId) {
        return views.of(List.of(articleId)).get(articleId);
    }
}
