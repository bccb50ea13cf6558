package dev.boardcqrs.query.degrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SharedReadTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger reads = new AtomicInteger();

    @Test
    void shouldGiveReadersThatComeWhileItRunsTheSameRead() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SharedRead<Integer> shared = new SharedRead<>(() -> {
            reading.countDown();
            await(release);
            return reads.incrementAndGet();
        }, Duration.ofSeconds(1), Duration.ofSeconds(10), now::get);
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(shared::get);
        assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<Integer>> others = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            others.add(CompletableFuture.supplyAsync(shared::get));
        }

        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        for (CompletableFuture<Integer> other : others) {
            assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(reads.get()).isEqualTo(1);
    }

    @Test
    void shouldKeepAReadForItsTimeFromItsStartThenReadAgain() {
        SharedRead<Integer> shared = new SharedRead<>(reads::incrementAndGet, Duration.ofSeconds(1),
                Duration.ofSeconds(1), now::get);
        assertThat(shared.get()).isEqualTo(1);
        now.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(shared.get()).isEqualTo(1);

        now.addAndGet(Duration.ofMillis(1).toNanos());

        assertThat(shared.get()).isEqualTo(2);
    }

    @Test
    void shouldNotKeepAFailedRead() {
        AtomicInteger attempts = new AtomicInteger();
        SharedRead<Integer> shared = new SharedRead<>(() -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("database down");
            }
            return attempts.get();
        }, Duration.ofSeconds(1), Duration.ofSeconds(1), now::get);
        assertThatThrownBy(shared::get).hasMessage("database down");

        assertThat(shared.get()).isEqualTo(2);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
