package dev.boardcqrs.projector.apply;

import dev.boardcqrs.projector.source.ChangeBatch;
import dev.boardcqrs.projector.source.ChangeHandler;
import dev.boardcqrs.projector.source.SourceEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the source's batches and hands them to a {@link BatchWriter}, whose stores commit them on threads of
 * their own, so the source reads the next batch while the stores write, and a slow store does not hold back a fast
 * one. A batch is acknowledged to the source only once every store has it, in order, in a later {@link #handle} at
 * the latest. The source keeps pace with the first store (Redis, which readers and their consistency tokens use):
 * {@link #handle} waits for it when the source had nothing more waiting (so its failures surface at once); and it
 * waits for the slowest store only when that one is {@code maxBehind} changes behind, or once the source is about
 * to stop ({@link #finishInFlight}).
 */
public final class OverlappingHandler implements ChangeHandler {
    private static final Logger log = LoggerFactory.getLogger(OverlappingHandler.class);
    /**
     * How long a stop waits for the batches in flight: milliseconds normally, so only an unreachable store (retried)
     * takes this long, and the engine's own 20 s for its batch still fit in a 30 s grace period.
     */
    private static final Duration FINISH_AT_MOST = Duration.ofSeconds(5);
    /** A few source batches: the memory the slowest store may hold up, and what it may replay after a crash. */
    static final int MAX_BEHIND = 20_000;

    private final BatchWriter writer;
    private final int maxBehind;
    private final TransactionAssembler transactions = new TransactionAssembler();
    // the source's side, under sourceSide: batches handed to the stores and not yet acknowledged, in order
    private final ReentrantLock sourceSide = new ReentrantLock();
    private final ArrayDeque<SequencedBatch> unacknowledged = new ArrayDeque<>();
    private ChangeBatch.Acknowledgement lastAck;
    private volatile boolean overlapping = true;

    public OverlappingHandler(BatchWriter writer) {
        this(writer, MAX_BEHIND);
    }

    OverlappingHandler(BatchWriter writer, int maxBehind) {
        this.writer = writer;
        this.maxBehind = maxBehind;
    }

    @Override
    public void handle(ChangeBatch batch) throws InterruptedException {
        sourceSide.lock();
        try {
            List<SourceEvent> ready = transactions.ready(batch.events());
            SequencedBatch submitted = writer.submit(ready, batch.events().size());
            unacknowledged.add(submitted);
            lastAck = batch.ack();
            if (!overlapping) {
                await(submitted.inEveryStore()); // stopping: the source's last commit must hold all that was applied
            } else if (!batch.more()) {
                await(submitted.inFirstStore()); // the source had nothing more waiting: answer now
            }
            while (writer.mostQueuedChanges() > maxBehind && !unacknowledged.isEmpty()) {
                await(unacknowledged.peek().inEveryStore());
                acknowledgeCommitted();
            }
            acknowledgeCommitted();
        } finally {
            sourceSide.unlock();
        }
    }

    @Override
    public void acknowledgeStored() throws InterruptedException {
        if (!sourceSide.tryLock()) {
            return; // a handle or a finish is at it, and acknowledges
        }
        try {
            SequencedBatch oldest = unacknowledged.peek();
            if (oldest == null) {
                writer.throwIfFailed(); // a lane that found its store changed while idle (StoreLane.confirmWhileIdle)
            } else if (oldest.inEveryStore().isCompletedExceptionally()) {
                await(oldest.inEveryStore()); // throws why, as handle would
            }
            acknowledgeCommitted();
        } finally {
            sourceSide.unlock();
        }
    }

    /** Acknowledges, in order, the batches every store has committed. */
    private void acknowledgeCommitted() throws InterruptedException {
        int events = 0;
        while (!unacknowledged.isEmpty() && unacknowledged.peek().inEveryStore().isDone()) {
            SequencedBatch batch = unacknowledged.peek();
            if (batch.inEveryStore().isCompletedExceptionally()) {
                break; // await() says why
            }
            unacknowledged.poll();
            events += batch.events();
        }
        if (events > 0) {
            lastAck.durable(events);
        }
    }

    /** Waits for {@code stored}; a failure of the store that was to commit it is thrown here, as it was. */
    private static void await(CompletableFuture<Void> stored) throws InterruptedException {
        boolean interrupted = false;
        try {
            try {
                stored.get();
            } catch (InterruptedException e) {
                // the source is stopping and interrupts its thread: the stores are finishing this batch anyway,
                // and the source's last commit should hold it, so wait for it a while longer
                interrupted = true;
                stored.get(FINISH_AT_MOST.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        } catch (TimeoutException e) {
            throw new InterruptedException("stopped while the batch in flight was not in every store: " + e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static RuntimeException rethrown(Throwable cause) throws InterruptedException {
        if (cause instanceof InterruptedException) {
            throw new InterruptedException("the store writer was stopped during a batch");
        }
        return BatchWriter.rethrown(cause);
    }

    @Override
    public void finishInFlight() {
        overlapping = false;
        long deadline = System.nanoTime() + FINISH_AT_MOST.toNanos();
        try {
            if (!sourceSide.tryLock(FINISH_AT_MOST.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("the source's batch did not finish within {} s; stopping without it", FINISH_AT_MOST.toSeconds());
                return;
            }
            try {
                SequencedBatch last = unacknowledged.peekLast();
                if (last != null) {
                    last.inEveryStore().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    acknowledgeCommitted();
                }
            } finally {
                sourceSide.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // not acknowledged: the next start delivers the batches again, and the watermarks skip what was applied
            log.warn("the batches in flight were not acknowledged before the stop: {}", e.toString());
        }
    }

    @Override
    public void stop() {
        writer.stop(); // interrupts a retry waiting for an unreachable store
    }
}
