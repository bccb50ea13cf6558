package dev.boardcqrs.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.boardcqrs.common.view.ViewKeys;
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

/**
 * The view count cache against a real Redis, counting the reads Redis itself reports (INFO commandstats). The
 * reports of changed counters, which the invalidation listener passes on, are given by hand here.
 */
class ViewCountsIT {
    private static final ViewKeys KEYS = new ViewKeys("v");

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
        views = new ViewCounts(redis, KEYS, Duration.ofSeconds(1), 10_000, clock::get);
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
    void shouldKeepACountBeyondItsTtlWhileChangesAreReportedAndNoneWasForIt() {
        views.serve();
        redis.set(KEYS.viewCount(31), "4");
        assertThat(countOf(31)).isEqualTo(4);
        long before = redisReads();

        clock.addAndGet(Duration.ofMinutes(10).toNanos());
        assertThat(countOf(31)).isEqualTo(4);
        assertThat(redisReads() - before).as("reads of an unchanged count").isZero();

        redis.set(KEYS.viewCount(31), "5");
        views.changed(31);
        assertThat(countOf(31)).as("reported changed, and older than the TTL").isEqualTo(5);
        assertThat(redisReads() - before).isEqualTo(1);
    }

    @Test
    void shouldUseACountChangedMeanwhileForItsTtlOnlyAndReadItAtMostOncePerTtl() {
        views.serve();
        redis.set(KEYS.viewCount(32), "1");
        assertThat(countOf(32)).isEqualTo(1);
        long before = redisReads();

        redis.set(KEYS.viewCount(32), "2");
        views.changed(32);
        assertThat(countOf(32)).as("within the TTL").isEqualTo(1);
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        redis.set(KEYS.viewCount(32), "3");
        views.changed(32);
        for (int i = 0; i < 5; i++) {
            assertThat(countOf(32)).isEqualTo(3);
        }
        assertThat(redisReads() - before).isEqualTo(1);
    }

    @Test
    void shouldKeepCountsForTheirTtlOnlyOnceReportsStop() {
        views.serve();
        redis.set(KEYS.viewCount(33), "7");
        assertThat(countOf(33)).isEqualTo(7);

        views.stop(); // the invalidation connection broke: changes may go unreported
        redis.set(KEYS.viewCount(33), "8");
        clock.addAndGet(Duration.ofSeconds(1).toNanos());

        assertThat(countOf(33)).isEqualTo(8);
        views.serve(); // back: counts read before are still held to their TTL
        redis.set(KEYS.viewCount(33), "9");
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(countOf(33)).isEqualTo(9);
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
