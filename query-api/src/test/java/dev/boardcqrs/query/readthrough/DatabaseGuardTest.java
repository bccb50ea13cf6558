package dev.boardcqrs.query.readthrough;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DatabaseGuardTest {
    private final ExecutorService readers = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        readers.shutdownNow();
    }

    @Test
    void shouldRefuseAtOnceWhenAsManyReadsWaitAsItAllows() {
        DatabaseGuard guard = new DatabaseGuard(2, 3, Duration.ofSeconds(30));
        List<CompletableFuture<String>> held = new ArrayList<>();
        for (int i = 0; i < 5; i++) { // two run, three wait
            held.add(CompletableFuture.supplyAsync(() -> guard.read(this::blocked), readers));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> guard.running() == 2 && guard.waiting() == 3);

        long start = System.nanoTime();
        assertThatThrownBy(() -> guard.read(() -> "sixth")).isInstanceOf(SourceUnavailableException.class)
                .hasMessageContaining("busy");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused without waiting")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(guard.refused()).isEqualTo(1);
        release.countDown();
        held.forEach(read -> assertThat(read.join()).isEqualTo("read"));
        assertThat(guard.mostRunning()).isEqualTo(2);
        assertThat(guard.waiting()).isZero();
    }

    @Test
    void shouldRefuseAWaitingReadWhenNoPermitComesWithinTheTimeout() {
        DatabaseGuard guard = new DatabaseGuard(1, 10, Duration.ofMillis(200));
        CompletableFuture<String> holder = CompletableFuture.supplyAsync(() -> guard.read(this::blocked), readers);
        await().atMost(Duration.ofSeconds(10)).until(() -> guard.running() == 1);

        assertThatThrownBy(() -> guard.read(() -> "second")).isInstanceOf(SourceUnavailableException.class);

        assertThat(guard.waiting()).isZero();
        release.countDown();
        assertThat(holder.join()).isEqualTo("read");
        assertThat(guard.read(() -> "third")).isEqualTo("third");
    }

    private String blocked() {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "read";
    }
}
