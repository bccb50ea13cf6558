package dev.boardcqrs.query.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.common.consistency.GtidSet;
import dev.boardcqrs.common.web.ApiException;
import dev.boardcqrs.query.metrics.QueryMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadAfterTest {
    private static final Duration TIMEOUT = Duration.ofMillis(200);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicReference<Applied> applied = new AtomicReference<>(new Applied(false, GtidSet.parse("0-1-10")));
    private final AtomicInteger databaseAsked = new AtomicInteger();
    private final ProgressWatcher watcher = new ProgressWatcher(applied::get, "cqrs:applied", Duration.ofMillis(1),
            Duration.ofMillis(1));
    private final ReadAfter readAfter = new ReadAfter(applied::get, watcher, new KnownOrigins(() -> {
        databaseAsked.incrementAndGet();
        return List.of(new GtidSet.Origin("0", "1"), new GtidSet.Origin("0", "2"));
    }, System::nanoTime), TIMEOUT, new QueryMetrics(registry));

    @AfterEach
    void close() {
        watcher.close();
    }

    @Test
    void shouldAnswerFromRedisWithoutTheNearCacheWhenTheTokenIsCovered() {
        assertThat(readAfter.mode("0-1-10")).isEqualTo(ReadMode.FRESH);
        assertThat(readAfter.mode("0-1-3")).isEqualTo(ReadMode.FRESH);
        assertThat(registry.get("query.readafter").tag("outcome", "redis").counter().count()).isEqualTo(2);
    }

    @Test
    void shouldAnswerFromRedisWithoutAskingItWhenTheProjectorsLastMessageCoversTheToken() {
        AtomicInteger asked = new AtomicInteger();
        ReadAfter told = new ReadAfter(() -> {
            asked.incrementAndGet();
            return applied.get();
        }, watcher, new KnownOrigins(List::of, System::nanoTime), TIMEOUT, new QueryMetrics(registry));
        watcher.received("cqrs:applied", "0-1-12");

        assertThat(told.mode("0-1-12")).isEqualTo(ReadMode.FRESH);
        assertThat(asked).hasValue(0);

        assertThatThrownBy(() -> told.mode("0-987654-1")).as("covered per domain, but of an unknown server")
                .isInstanceOf(ApiException.class).hasMessageContaining("another database server");
        assertThat(asked).hasValue(0);
        assertThat(told.mode("0-1-13")).as("beyond the message: asked, waited, timed out").isEqualTo(ReadMode.DATABASE);
        assertThat(asked).hasPositiveValue();
    }

    @Test
    void shouldAnswerFromTheDatabaseWithoutWaitingWhenTheGenerationKeepsNoAppliedTransactions() {
        applied.set(Applied.untracked());
        long started = System.nanoTime();

        assertThat(readAfter.mode("0-1-3")).isEqualTo(ReadMode.DATABASE);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not the timeout's wait").isLessThan(TIMEOUT);
        assertThat(watcher.waiting()).isZero();
        assertThat(registry.get("query.readafter").tag("outcome", "database").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldKeepTheNearCacheForTheEmptyToken() {
        assertThat(readAfter.mode("none")).isEqualTo(ReadMode.CACHED);
    }

    @Test
    void shouldWaitForTheProjectorThenAnswerFromRedis() {
        new Thread(() -> {
            try {
                Thread.sleep(50); // the projector applies a batch a little later
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            applied.set(new Applied(false, GtidSet.parse("0-1-11")));
        }).start();
        assertThat(readAfter.mode("0-1-11")).isEqualTo(ReadMode.FRESH);
    }

    @Test
    void shouldAnswerFromTheDatabaseOnceTheTimeoutRunsOut() {
        long started = System.nanoTime();
        assertThat(readAfter.mode("0-1-1000000")).as("a token from the future").isEqualTo(ReadMode.DATABASE);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isGreaterThanOrEqualTo(TIMEOUT).isLessThan(TIMEOUT.plusSeconds(2)); // a loaded machine adds some
        assertThat(watcher.waiting()).isLessThanOrEqualTo(1); // dropped on the watcher's next round
        assertThat(registry.get("query.readafter").tag("outcome", "database").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldAcceptAnyTokenWhileReadsGoToSqlAnyway() {
        applied.set(Applied.readingSql());
        assertThat(readAfter.mode("0-1-1000000")).isEqualTo(ReadMode.FRESH);
    }

    @Test
    void shouldRefuseMalformedTokens() {
        assertThatThrownBy(() -> readAfter.mode("0-1")).isInstanceOf(ApiException.class)
                .hasMessageContaining("not a consistency token").extracting(e -> ((ApiException) e).status()).isEqualTo(400);
    }

    @Test
    void shouldRefuseTokensOfAnotherDatabaseServer() {
        assertThatThrownBy(() -> readAfter.mode("0-7-11")).isInstanceOf(ApiException.class)
                .hasMessageContaining("another database server");
        assertThatThrownBy(() -> readAfter.mode("3e11fa47-71ca-11e1-9e33-c80aa9429562:1"))
                .isInstanceOf(ApiException.class).hasMessageContaining("another kind");
    }

    @Test
    void shouldAcceptAServerTheDatabaseKnowsBeforeTheProjectorSawIt() {
        // a failover: server 2 now writes domain 0
        applied.set(new Applied(false, GtidSet.parse("0-1-10,0-2-11")));
        assertThat(readAfter.mode("0-2-11")).isEqualTo(ReadMode.FRESH);
        applied.set(new Applied(false, GtidSet.parse("0-1-10")));
        assertThat(readAfter.mode("0-2-10")).isEqualTo(ReadMode.FRESH);
    }

    @Test
    void shouldAskTheDatabaseAboutUnknownServersAtMostOnceASecond() {
        for (int i = 0; i < 50; i++) {
            assertThatThrownBy(() -> readAfter.mode("0-9-11")).isInstanceOf(ApiException.class);
        }
        assertThat(databaseAsked.get()).isEqualTo(1);
    }
}
