package dev.boardcqrs.projector.apply;

import dev.boardcqrs.projector.source.ChangeBatch;
import dev.boardcqrs.projector.source.ChangeHandler;
import dev.boardcqrs.projector.source.SourceEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the source's batches and has a {@link BatchWriter} apply them on a thread of its own (store-writer), so
 * that while the source catches up (its batches are full), a batch is still being written when the next one is
 * read: reading and writing overlap instead of taking turns. A batch is acknowledged to the source only once every
 * store has it, in the next {@link #handle} at the latest. A batch that is not full is acknowledged before
 * {@link #handle} returns, as is every batch once the source is about to stop ({@link #finishInFlight}).
 */
public final class OverlappingHandler implements ChangeHandler {
    private static final Logger log = LoggerFactory.getLogger(OverlappingHandler.class);
    /**
     * How long a stop waits for the batch in flight: milliseconds normally, so only an unreachable store (retried)
     * takes this long, and the engine's own 20 s for its batch still fit in a 30 s grace period.
     */
    private static final Duration FINISH_AT_MOST = Duration.ofSeconds(5);

    private final BatchWriter writer;
    private final TransactionAssembler transactions = new TransactionAssembler();
    // the source's side, under sourceSide: the batch the writer is working on
    private final ReentrantLock sourceSide = new ReentrantLock();
    private final ExecutorService storeWriter;
    private InFlight inFlight;
    private volatile boolean overlapping = true;

    /** {@code name}: the generation written, for the thread's name. */
    public OverlappingHandler(BatchWriter writer, String name) {
        this.writer = writer;
        this.storeWriter = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "store-writer-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void handle(ChangeBatch batch) throws InterruptedException {
        sourceSide.lock();
        try {
            List<SourceEvent> ready = transactions.ready(batch.events());
            awaitInFlight(); // the previous batch: the stores have it before this one is written
            int records = batch.events().size();
            Future<?> written = storeWriter.submit(() -> {
                writer.write(ready, records);
                return null;
            });
            inFlight = new InFlight(written, ready.size(), batch.ack());
            if (!overlapping || !batch.more()) {
                awaitInFlight(); // the source had nothing more waiting: answer now
            }
        } finally {
            sourceSide.unlock();
        }
    }

    /** A batch the writer applies while the source reads the next; acknowledged once it is done. */
    private record InFlight(Future<?> written, int events, ChangeBatch.Acknowledgement ack) {
    }

    /** Waits until the stores acknowledged the batch in flight, then acknowledges it to the source. */
    private void awaitInFlight() throws InterruptedException {
        InFlight batch = inFlight;
        if (batch == null) {
            return;
        }
        boolean interrupted = false;
        try {
            try {
                batch.written().get();
            } catch (InterruptedException e) {
                // the source is stopping and interrupts its thread: the writer is finishing this batch anyway,
                // and the source's last commit should hold it, so wait for it a while longer
                interrupted = true;
                batch.written().get(FINISH_AT_MOST.toMillis(), TimeUnit.MILLISECONDS);
            }
            inFlight = null;
            batch.ack().durable(batch.events());
        } catch (ExecutionException e) {
            inFlight = null;
            throw rethrown(e.getCause());
        } catch (TimeoutException e) {
            throw new InterruptedException("stopped while the batch in flight was not acknowledged: " + e);
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
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(cause);
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
                if (inFlight != null) {
                    inFlight.written().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    awaitInFlight();
                }
            } finally {
                sourceSide.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // not acknowledged: the next start delivers the batch again, and the watermark skips what was applied
            log.warn("the batch in flight was not acknowledged before the stop: {}", e.toString());
        }
    }

    @Override
    public void stop() {
        storeWriter.shutdownNow(); // interrupts a retry waiting for an unreachable store
    }
}
