package dev.boardcqrs.projector.source.debezium;

import io.debezium.connector.base.ChangeEventQueue;
import io.debezium.connector.base.QueueProvider;
import io.debezium.pipeline.Sizeable;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a connector task's poll sleep while the binlog is quiet. Debezium 3.5's change queue fills a batch until its
 * poll interval ends, waiting in whole milliseconds and spinning through the last one; at our 1 ms interval it never
 * waits, so an idle projector spun at 45% of a core. The queue has no hook for this (its store is built with
 * {@code new} in the task's start), so this swaps the queue's store for one that counts arrivals and wakes the
 * poll: after a poll found nothing, the next one waits for a record to arrive. While records flow nothing waits,
 * and Debezium's own poll still gathers each batch for one interval, so batches stay as they were.
 *
 * <p>The swap reads two private fields by name (the task's {@code queue}, the queue's {@code queue}); if a Debezium
 * upgrade renames them it logs a warning and the task polls as Debezium does (ProjectorIT's check of the poll
 * thread's CPU at rest then fails).
 */
final class ArrivalWait {
    private static final Logger log = LoggerFactory.getLogger(ArrivalWait.class);
    /**
     * The longest sleep: a producer's failure is raised only by a poll, and the engine's stop waits for the poll to
     * return, so a quiet task still polls ten times a second.
     */
    private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** The task's poll, as its superclass does it. */
    interface Poll {
        List<SourceRecord> poll() throws InterruptedException;
    }

    private volatile Arrivals<?> arrivals;
    private boolean lastPollEmpty;
    private long arrivalsBeforeLastPoll;

    /** Call after the task's start, which builds its queue (again, after a restart of the task). */
    void attach(Object task, Class<?> taskClass) {
        lastPollEmpty = false;
        try {
            Field taskQueue = taskClass.getDeclaredField("queue");
            taskQueue.setAccessible(true);
            Object queue = taskQueue.get(task);
            Field store = ChangeEventQueue.class.getDeclaredField("queue");
            store.setAccessible(true);
            @SuppressWarnings({"unchecked", "rawtypes"})
            Arrivals<?> counted = new Arrivals((QueueProvider) store.get(queue));
            store.set(queue, counted);
            arrivals = counted;
        } catch (ReflectiveOperationException | RuntimeException e) {
            arrivals = null;
            log.warn("the connector's poll cannot sleep while the binlog is quiet (it will spin as Debezium's does): {}",
                    e.toString());
        }
    }

    /** Runs {@code poll}, first waiting for a record if the last poll found none. On the engine's thread only. */
    List<SourceRecord> poll(Poll poll) throws InterruptedException {
        Arrivals<?> counted = arrivals;
        if (counted == null) {
            return poll.poll();
        }
        if (lastPollEmpty) {
            counted.awaitArrivalAfter(arrivalsBeforeLastPoll, MAX_WAIT_NANOS);
        }
        // read before the poll: a record that arrives during it, too late to be taken, ends the next wait at once
        arrivalsBeforeLastPoll = counted.count();
        List<SourceRecord> records = poll.poll();
        lastPollEmpty = records == null || records.isEmpty();
        return records;
    }

    /** The queue's store, counting what is added and waking a waiting poll. Called under the queue's lock. */
    private static final class Arrivals<T extends Sizeable> implements QueueProvider<T> {
        private final QueueProvider<T> store;
        private final AtomicLong count = new AtomicLong();
        private volatile Thread waiter;

        Arrivals(QueueProvider<T> store) {
            this.store = store;
        }

        long count() {
            return count.get();
        }

        void awaitArrivalAfter(long seen, long maxNanos) throws InterruptedException {
            long deadline = System.nanoTime() + maxNanos;
            waiter = Thread.currentThread();
            try {
                // the count is read after the waiter is set, so an arrival either shows here or unparks the park
                while (count.get() == seen) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    LockSupport.parkNanos(this, left);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
            } finally {
                waiter = null;
            }
        }

        @Override
        public void enqueue(T record) throws InterruptedException {
            store.enqueue(record);
            count.incrementAndGet();
            Thread waiting = waiter;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            }
        }

        @Override
        public T poll() throws InterruptedException {
            return store.poll();
        }

        @Override
        public int size() {
            return store.size();
        }

        @Override
        public void configure(Map<String, ?> config) {
            store.configure(config);
        }
    }
}
