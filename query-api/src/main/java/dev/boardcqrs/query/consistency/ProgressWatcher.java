package dev.boardcqrs.query.consistency;

import dev.boardcqrs.common.consistency.GtidSet;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread of query-api that waits for the projector on behalf of reads whose token Redis does not cover
 * yet: while anyone waits it reads what is applied every {@code pollEvery} (one small script call, whatever the
 * number of waiters) and completes the waits it covers; while nobody waits it sleeps and asks Redis nothing. A
 * waiter that gives up cancels its future and is dropped on the next round.
 */
public final class ProgressWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProgressWatcher.class);

    private final AppliedSource applied;
    private final long pollNanos;
    private final ConcurrentLinkedQueue<Waiter> waiting = new ConcurrentLinkedQueue<>();
    private final Object wakeUp = new Object();
    private final Thread thread;
    private volatile boolean closed;

    private record Waiter(GtidSet token, CompletableFuture<Void> covered) {
    }

    public ProgressWatcher(AppliedSource applied, Duration pollEvery) {
        this.applied = applied;
        this.pollNanos = pollEvery.toNanos();
        this.thread = new Thread(this::run, "read-after-watcher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Completes once what is applied covers {@code token}; cancel it to stop waiting. */
    public CompletableFuture<Void> whenCovered(GtidSet token) {
        CompletableFuture<Void> covered = new CompletableFuture<>();
        waiting.add(new Waiter(token, covered));
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
        return covered;
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
            LockSupport.parkNanos(pollNanos);
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

    @Override
    public void close() {
        closed = true;
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
        thread.interrupt();
    }
}
