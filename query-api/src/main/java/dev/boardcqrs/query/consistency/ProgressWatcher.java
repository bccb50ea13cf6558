package dev.boardcqrs.query.consistency;

import dev.boardcqrs.common.consistency.GtidSet;
import dev.boardcqrs.common.consistency.MalformedGtidSetException;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.query.nearcache.InvalidationTarget;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread of query-api that waits for the projector on behalf of reads whose token Redis does not cover
 * yet. While anyone waits it reads what is applied (one small script call, whatever the number of waiters) each
 * time Redis reports that a generation's meta changed (the projector writes the applied GTID set there with every
 * batch), and completes the waits it covers; while nobody waits it sleeps and asks Redis nothing.
 * <p>
 * The reports come through the near caches' invalidation connection ({@link InvalidationTarget}): a wait then ends
 * one Redis push after the projector's commit instead of up to a polling interval later, and Redis is asked once per
 * projector batch instead of every interval. While reports are off (no near cache, or its connection is broken) it
 * looks every {@code pollEvery}; while they are on, every {@code pollWhileReported} as well, in case one was lost.
 * A waiter that gives up cancels its future and is dropped on the next round.
 * <p>
 * Faster still, the projector publishes the applied set with each batch of the active, complete generation on
 * {@code appliedChannel}, which comes through that same connection: the waits it covers end on the listener's
 * thread, without a read of Redis or a wake-up of this one. The reads above stay for a projector that does not
 * publish (an earlier version, a generation switch's batch) and for a message that was lost.
 */
public final class ProgressWatcher implements AutoCloseable, InvalidationTarget {
    private static final Logger log = LoggerFactory.getLogger(ProgressWatcher.class);

    private final AppliedSource applied;
    private final String appliedChannel;
    private final long pollNanos;
    private final long reportedPollNanos;
    private final ConcurrentLinkedQueue<Waiter> waiting = new ConcurrentLinkedQueue<>();
    private final Object wakeUp = new Object();
    private final Thread thread;
    private volatile boolean reported;
    // the newest set the projector published; a new waiter it covers is done at once
    private volatile GtidSet announced = GtidSet.empty();
    private volatile boolean closed;

    private record Waiter(GtidSet token, CompletableFuture<Void> covered) {
    }

    /** {@code appliedChannel}: where the projector publishes the applied set ({@code KeyScheme.appliedChannel}). */
    public ProgressWatcher(AppliedSource applied, String appliedChannel, Duration pollEvery,
                           Duration pollWhileReported) {
        this.applied = applied;
        this.appliedChannel = appliedChannel;
        this.pollNanos = pollEvery.toNanos();
        this.reportedPollNanos = pollWhileReported.toNanos();
        this.thread = new Thread(this::run, "read-after-watcher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Completes once what is applied covers {@code token}; cancel it to stop waiting. */
    public CompletableFuture<Void> whenCovered(GtidSet token) {
        CompletableFuture<Void> covered = new CompletableFuture<>();
        waiting.add(new Waiter(token, covered));
        // after the add: a message received from now on finds this waiter, one received before has set this
        if (announced.covers(token)) {
            covered.complete(null);
            return covered;
        }
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
        // the caller saw Redis short of its token, but the projector may have got there since, and its report may
        // have come before this waiter did: look once more now rather than at the next report
        LockSupport.unpark(thread);
        return covered;
    }

    /**
     * The newest set the projector published (empty before the first): what it covers, the active generation has
     * applied, and Redis need not be asked.
     */
    public GtidSet announced() {
        return announced;
    }

    /** How many reads wait now (for tests and metrics). */
    public int waiting() {
        return waiting.size();
    }

    private void run() {
        while (!closed) {
            try {
                sleepWhileNobodyWaits();
                if (closed) {
                    return;
                }
                completeCovered(applied.now());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // Redis unreachable for a moment: the waiters time out into SQL; keep watching for the others
                log.debug("reading the applied position failed: {}", e.toString());
            }
            // a report (unpark) that came while Redis was being read is kept as the permit: this returns at once
            LockSupport.parkNanos(reported ? reportedPollNanos : pollNanos);
        }
    }

    private void sleepWhileNobodyWaits() throws InterruptedException {
        synchronized (wakeUp) {
            while (waiting.isEmpty() && !closed) {
                wakeUp.wait();
            }
        }
    }

    private void completeCovered(Applied now) {
        waiting.removeIf(waiter -> {
            if (waiter.covered().isDone()) {
                return true;
            }
            if (now.covers(waiter.token())) {
                waiter.covered().complete(null);
                return true;
            }
            return false;
        });
    }

    private void lookAgain() {
        if (!waiting.isEmpty()) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public void modelKeyChanged(String keyInGeneration) {
        if (KeyScheme.META.equals(keyInGeneration)) {
            lookAgain();
        }
    }

    @Override
    public List<String> channels() {
        return List.of(appliedChannel);
    }

    @Override
    public void received(String channel, String message) {
        GtidSet published;
        try {
            published = GtidSet.parse(message);
        } catch (MalformedGtidSetException e) {
            log.debug("ignoring an applied set this version cannot read: {}", e.getMessage());
            return;
        }
        announced = published;
        if (!waiting.isEmpty()) {
            completeCovered(new Applied(false, published));
        }
    }

    @Override
    public void generationSwitched() {
        announced = GtidSet.empty(); // of the generation readers left
        lookAgain();
    }

    @Override
    public void flushed() {
        announced = GtidSet.empty();
        lookAgain();
    }

    @Override
    public void serve() {
        reported = true;
    }

    @Override
    public void stop() {
        reported = false;
        // a switch or flush may now go unreported, and a Redis restarted from an older snapshot holds less than the
        // last message said: only what Redis holds counts until messages come again
        announced = GtidSet.empty();
        lookAgain(); // from now on it polls: start now, not after a long wait for a report
    }

    @Override
    public void close() {
        closed = true;
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
        thread.interrupt();
    }
}
