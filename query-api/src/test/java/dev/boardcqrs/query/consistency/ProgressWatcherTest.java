package dev.boardcqrs.query.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.common.consistency.GtidSet;
import dev.boardcqrs.common.redis.KeyScheme;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProgressWatcherTest {
    private static final String CHANNEL = new KeyScheme("cqrs").appliedChannel();
    private final AtomicReference<Applied> applied = new AtomicReference<>(new Applied(false, GtidSet.parse("0-1-10")));
    private final AtomicInteger reads = new AtomicInteger();
    private final ProgressWatcher watcher = new ProgressWatcher(() -> {
        reads.incrementAndGet();
        return applied.get();
    }, CHANNEL, Duration.ofMillis(1), Duration.ofMillis(1));

    @AfterEach
    void close() {
        watcher.close();
    }

    @Test
    void shouldCompleteEachWaitOnceTheProjectorReachesItsToken() {
        CompletableFuture<Void> eleven = watcher.whenCovered(GtidSet.parse("0-1-11"));
        CompletableFuture<Void> twelve = watcher.whenCovered(GtidSet.parse("0-1-12"));
        await().during(Duration.ofMillis(50)).atMost(Duration.ofSeconds(1)).until(() -> !eleven.isDone());

        applied.set(new Applied(false, GtidSet.parse("0-1-11")));
        await().atMost(Duration.ofSeconds(5)).until(eleven::isDone);
        assertThat(twelve).isNotDone();

        applied.set(new Applied(false, GtidSet.parse("0-1-12")));
        await().atMost(Duration.ofSeconds(5)).until(twelve::isDone);
        await().atMost(Duration.ofSeconds(5)).until(() -> watcher.waiting() == 0);
    }

    @Test
    void shouldAskRedisNothingWhileNobodyWaits() {
        CompletableFuture<Void> covered = watcher.whenCovered(GtidSet.parse("0-1-10"));
        await().atMost(Duration.ofSeconds(5)).until(covered::isDone);
        await().atMost(Duration.ofSeconds(5)).until(() -> watcher.waiting() == 0);
        int readsWhenIdle = reads.get();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> reads.get() == readsWhenIdle);
    }

    @Test
    void shouldServeManyWaitersWithOneReadPerRound() {
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            waits.add(watcher.whenCovered(GtidSet.parse("0-1-" + (11 + i % 2))));
        }
        await().during(Duration.ofMillis(50)).atMost(Duration.ofSeconds(1)).until(() -> reads.get() > 0);
        int before = reads.get();
        applied.set(new Applied(false, GtidSet.parse("0-1-12")));
        await().atMost(Duration.ofSeconds(5)).until(() -> waits.stream().allMatch(CompletableFuture::isDone));
        // 1,000 waiters, one watcher: a handful of rounds, not a read per waiter
        assertThat(reads.get() - before).isLessThan(100);
    }

    @Test
    void shouldDropAWaitItsReaderGaveUp() {
        CompletableFuture<Void> given = watcher.whenCovered(GtidSet.parse("0-1-99"));
        given.cancel(false);
        await().atMost(Duration.ofSeconds(5)).until(() -> watcher.waiting() == 0);
    }

    @Test
    void shouldKeepWatchingWhenARoundFails() {
        AtomicInteger failures = new AtomicInteger();
        try (ProgressWatcher flaky = new ProgressWatcher(() -> {
            if (failures.incrementAndGet() <= 3) {
                throw new IllegalStateException("Redis went away");
            }
            return applied.get();
        }, CHANNEL, Duration.ofMillis(1), Duration.ofMillis(1))) {
            CompletableFuture<Void> covered = flaky.whenCovered(GtidSet.parse("0-1-10"));
            await().atMost(Duration.ofSeconds(5)).until(covered::isDone);
        }
    }

    @Test
    void shouldLookAgainAsSoonAsRedisReportsThatAGenerationsMetaChanged() {
        // looks that are an hour apart: only the report can end the wait in time
        try (ProgressWatcher reportedTo = reportedTo(Duration.ofHours(1))) {
            CompletableFuture<Void> eleven = stillWaiting(reportedTo.whenCovered(GtidSet.parse("0-1-11")));
            applied.set(new Applied(false, GtidSet.parse("0-1-11")));
            reportedTo.modelKeyChanged("article:7");
            stillWaiting(eleven);

            reportedTo.modelKeyChanged(KeyScheme.META);
            await().atMost(Duration.ofSeconds(1)).until(eleven::isDone);
        }
    }

    @Test
    void shouldLookAtOnceForAWaiterThatCameAfterTheLastReport() {
        try (ProgressWatcher reportedTo = reportedTo(Duration.ofHours(1))) {
            CompletableFuture<Void> eleven = stillWaiting(reportedTo.whenCovered(GtidSet.parse("0-1-11")));
            // the projector got there, and its report went by, while the next reader was still on its way
            applied.set(new Applied(false, GtidSet.parse("0-1-12")));

            CompletableFuture<Void> twelve = reportedTo.whenCovered(GtidSet.parse("0-1-12"));
            await().atMost(Duration.ofSeconds(1)).until(() -> eleven.isDone() && twelve.isDone());
        }
    }

    @Test
    void shouldPollWhenReportsStop() {
        try (ProgressWatcher reportedTo = reportedTo(Duration.ofMillis(1))) {
            CompletableFuture<Void> eleven = stillWaiting(reportedTo.whenCovered(GtidSet.parse("0-1-11")));
            applied.set(new Applied(false, GtidSet.parse("0-1-11")));
            stillWaiting(eleven);

            reportedTo.stop(); // the invalidation connection broke: no report will come
            await().atMost(Duration.ofSeconds(1)).until(eleven::isDone);
        }
    }

    @Test
    void shouldEndTheWaitsAPublishedSetCoversWithoutAskingRedis() {
        try (ProgressWatcher reportedTo = reportedTo(Duration.ofHours(1))) {
            CompletableFuture<Void> eleven = stillWaiting(reportedTo.whenCovered(GtidSet.parse("0-1-11")));
            CompletableFuture<Void> twelve = reportedTo.whenCovered(GtidSet.parse("0-1-12"));
            stillWaiting(twelve);
            int readsBefore = reads.get();

            reportedTo.received(CHANNEL, "0-1-11");

            assertThat(eleven).as("done on the thread the message came on").isDone();
            assertThat(twelve).isNotDone();
            assertThat(reads.get()).isEqualTo(readsBefore);
            assertThat(reportedTo.channels()).containsExactly(CHANNEL);
        }
    }

    @Test
    void shouldEndANewWaitAtOnceWhenTheLastPublishedSetCoversIt() {
        try (ProgressWatcher reportedTo = reportedTo(Duration.ofHours(1))) {
            reportedTo.received(CHANNEL, "0-1-12");

            assertThat(reportedTo.whenCovered(GtidSet.parse("0-1-11"))).isDone();
            assertThat(reportedTo.whenCovered(GtidSet.parse("0-1-13"))).isNotDone();
        }
    }

    @Test
    void shouldNotTrustAPublishedSetOnceReadersSwitchedGenerationsOrRedisWasFlushed() {
        try (ProgressWatcher reportedTo = reportedTo(Duration.ofHours(1))) {
            reportedTo.received(CHANNEL, "0-1-12");
            reportedTo.generationSwitched();
            assertThat(reportedTo.whenCovered(GtidSet.parse("0-1-11"))).isNotDone();

            reportedTo.received(CHANNEL, "0-1-12");
            reportedTo.flushed();
            assertThat(reportedTo.whenCovered(GtidSet.parse("0-1-12"))).isNotDone();
        }
    }

    @Test
    void shouldNotTrustAPublishedSetOnceReportsMayBeMissed() {
        try (ProgressWatcher reportedTo = reportedTo(Duration.ofHours(1))) {
            reportedTo.received(CHANNEL, "0-1-12");

            reportedTo.stop(); // the connection broke: Redis may have restarted from an older snapshot

            assertThat(reportedTo.announced().isEmpty()).isTrue();
            assertThat(reportedTo.whenCovered(GtidSet.parse("0-1-11"))).isNotDone();
        }
    }

    @Test
    void shouldIgnoreAPublishedSetItCannotRead() {
        try (ProgressWatcher reportedTo = reportedTo(Duration.ofHours(1))) {
            CompletableFuture<Void> eleven = stillWaiting(reportedTo.whenCovered(GtidSet.parse("0-1-11")));

            reportedTo.received(CHANNEL, "not a gtid set");

            stillWaiting(eleven);
        }
    }

    /** A watcher that Redis reports to, looking an hour apart while it does, {@code withoutReports} otherwise. */
    private ProgressWatcher reportedTo(Duration withoutReports) {
        ProgressWatcher watcher = new ProgressWatcher(applied::get, CHANNEL, withoutReports, Duration.ofHours(1));
        watcher.serve();
        return watcher;
    }

    private static CompletableFuture<Void> stillWaiting(CompletableFuture<Void> wait) {
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> !wait.isDone());
        return wait;
    }
}
