package dev.boardcqrs.projector.apply;

import dev.boardcqrs.common.consistency.GtidSet;
import dev.boardcqrs.common.consistency.MalformedGtidSetException;
import dev.boardcqrs.projector.deadletter.DeadLetters;
import dev.boardcqrs.projector.metrics.ProjectorMetrics;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.store.GenerationReplacedException;
import dev.boardcqrs.projector.store.ModelStore;
import dev.boardcqrs.projector.store.Refusal;
import dev.boardcqrs.projector.store.StoreBatch;
import dev.boardcqrs.projector.store.StoreBatch.Building;
import dev.boardcqrs.projector.store.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One store's writer: a thread of its own that commits a generation's batches to one store, in source order, each
 * with the watermark it leaves. A slow store (a search engine indexing) so falls behind on its own instead of
 * holding back the others, and readers of a fast one (Redis) see changes as fast as it alone allows. Batches that
 * queued up while the store was busy are committed together, which is how a slower store keeps up: its cost is
 * mostly per commit, not per change.
 */
final class StoreLane {
    private static final Logger log = LoggerFactory.getLogger(StoreLane.class);
    /** Changes committed together at most: a store's transaction or bulk request stays about a source batch. */
    static final int MAX_CHANGES_PER_COMMIT = 4096;
    /** How long a stop waits for the lanes' store calls in flight (an interrupted HTTP call ends at once). */
    static final Duration STOP_AT_MOST = Duration.ofSeconds(10);
    /** How long opening a lane asks again a store that answers it is unavailable (see whenAvailable). */
    static final Duration OPEN_AT_MOST = Duration.ofSeconds(10);
    private static final Duration OPEN_RETRY_PAUSE = Duration.ofMillis(200);
    /** How long a lane waits for a batch before it asks its store whether the next commit would still go through. */
    static final Duration IDLE_CHECK = Duration.ofSeconds(1);

    /** Hears what the lane has committed, or that it stopped on a failure no retry mends. */
    interface Listener {
        void committed(SequencedBatch batch, StoreLane lane);

        void failed(StoreLane lane, Throwable error);
    }

    private final ModelStore store;
    private final int index;
    private final ProjectorStatus status;
    private final ProjectorMetrics metrics;
    private final DeadLetters deadLetters;
    private final Backoff backoff;
    private final Listener listener;
    private final LinkedBlockingDeque<SequencedBatch> queue = new LinkedBlockingDeque<>();
    private final long lingerNanos;
    private final AtomicInteger queuedChanges = new AtomicInteger();
    private final Thread thread;
    // the watermark this lane last saw its store commit (null for none) and the source transactions the store holds
    // (what readers compare their consistency tokens with); only the lane's thread touches them
    private String watermark;
    private GtidSet applied;
    // for one stream of several: the binlog position of the newest streamed change the store holds (ModelStore#streamed)
    private String streamed;
    // changes sent again skipped since the last new one, for one log line where a re-send starts and one where it ends
    private long sentAgainInRow;
    private long lastCommitNanos;

    StoreLane(ModelStore store, int index, String generation, ProjectorStatus status, ProjectorMetrics metrics,
              DeadLetters deadLetters, Listener listener) {
        this.store = store;
        this.index = index;
        this.status = status;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.backoff = new Backoff(status, metrics);
        this.listener = listener;
        this.lingerNanos = store.linger().toNanos();
        this.lastCommitNanos = System.nanoTime() - lingerNanos; // the first batch need not wait
        long openDeadline = System.nanoTime() + OPEN_AT_MOST.toNanos(); // one bound for the three reads
        this.watermark = whenAvailable(store, openDeadline, store::watermark);
        this.applied = readable(whenAvailable(store, openDeadline, store::applied));
        this.streamed = whenAvailable(store, openDeadline, store::streamed);
        this.thread = new Thread(this::run, "store-writer-" + store.name() + "-" + generation);
        this.thread.setDaemon(true);
        status.queueOf(store.name(), queuedChanges::get);
    }

    /**
     * Asks {@code store} for its position as the lane opens, again while it answers that it is unavailable, until
     * {@code deadline} ({@link System#nanoTime}; {@link #OPEN_AT_MOST} after the open began): a search node's meta
     * index that another generation's first write is creating answers 503 until its shard is allocated, and a
     * rebuild started in that moment should not fail for it. A store away for longer fails the open, with its
     * reason, rather than holding whoever opens the lane (an operator's rebuild).
     */
    private static <T> T whenAvailable(ModelStore store, long deadline, Supplier<T> read) {
        for (int attempt = 1; ; attempt++) {
            try {
                return read.get();
            } catch (StoreUnavailableException e) {
                if (System.nanoTime() - deadline > 0 || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                if (attempt == 1) {
                    log.warn("{} unavailable as its lane opens; asking again for up to {} s in all: {}",
                            store.name(), OPEN_AT_MOST.toSeconds(), e.getMessage());
                }
                LockSupport.parkNanos(OPEN_RETRY_PAUSE.toNanos());
            }
        }
    }

    /** The lane's place among the generation's stores: 0 is the first, the one the source keeps pace with. */
    int index() {
        return index;
    }

    String storeName() {
        return store.name();
    }

    /** Row changes handed to this lane and not committed yet. */
    int queuedChanges() {
        return queuedChanges.get();
    }

    void start() {
        thread.start();
    }

    /** Interrupts the lane, including a retry waiting for an unreachable store; {@link #awaitEnd} waits for it. */
    void interrupt() {
        thread.interrupt();
    }

    /**
     * Waits for the interrupted lane to end, until {@code deadlineNanos} ({@link System#nanoTime}) at the latest: a
     * stopped generation's lane must not write on while the next pipeline (perhaps of the same store) starts.
     */
    void awaitEnd(long deadlineNanos) {
        if (Thread.currentThread() == thread) {
            return;
        }
        // rounded up: the deadline is the least a stop waits for a lane that does not end
        long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime() + 999_999);
        try {
            if (leftMillis > 0) { // join(0) would wait for ever
                thread.join(leftMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("{} still running {} s after it was stopped", thread.getName(), STOP_AT_MOST.toSeconds());
        }
    }

    void add(SequencedBatch batch) {
        queuedChanges.addAndGet(batch.changes().size());
        queue.addLast(batch);
    }

    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                List<SequencedBatch> group = nextGroup();
                lastCommitNanos = System.nanoTime();
                commit(group);
                for (SequencedBatch batch : group) {
                    queuedChanges.addAndGet(-batch.changes().size());
                    listener.committed(batch, this);
                }
            }
        } catch (InterruptedException e) {
            log.debug("{} stopped", thread.getName());
        } catch (GenerationReplacedException e) {
            // not a fault: the source follows the active generation (a rebuild, or another instance, made it)
            log.info("{} stopped: {}", thread.getName(), e.getMessage());
            listener.failed(this, e);
        } catch (RuntimeException | Error e) {
            log.error("{} stopped: {}", thread.getName(), e.toString());
            listener.failed(this, e);
        }
    }

    /**
     * The next batch, and those queued behind it or arriving until one linger after the last commit began, up to
     * {@link #MAX_CHANGES_PER_COMMIT}: a lingering store commits at most once per linger, and a batch after a quiet
     * spell (a single post) goes at once instead of waiting for followers that may not come. A batch that starts a
     * snapshot begins a group of its own, because the store is emptied before it.
     */
    private List<SequencedBatch> nextGroup() throws InterruptedException {
        List<SequencedBatch> group = new ArrayList<>();
        SequencedBatch first;
        while ((first = queue.pollFirst(IDLE_CHECK.toNanos(), TimeUnit.NANOSECONDS)) == null) {
            confirmWhileIdle();
        }
        group.add(first);
        int changes = first.changes().size();
        long deadline = lastCommitNanos + lingerNanos;
        while (changes < MAX_CHANGES_PER_COMMIT) {
            long wait = deadline - System.nanoTime();
            SequencedBatch next = wait > 0 ? queue.pollFirst(wait, TimeUnit.NANOSECONDS) : queue.pollFirst();
            if (next == null) {
                break;
            }
            if (next.startsSnapshot() || changes + next.changes().size() > MAX_CHANGES_PER_COMMIT) {
                queue.putFirst(next); // only this thread takes from the queue: it stays the next
                break;
            }
            group.add(next);
            changes += next.changes().size();
        }
        return group;
    }

    /**
     * Asks the store whether its next commit would still go through, and fails as that commit would: an idle lane (a
     * Kafka partition nobody writes to) otherwise never hears of a loss of the store's data or a new generation.
     * A store away for a moment is asked again after the next idle spell.
     */
    private void confirmWhileIdle() {
        try {
            store.confirm(watermark);
        } catch (StoreUnavailableException e) {
            log.debug("{} could not confirm its position while idle: {}", thread.getName(), e.toString());
        }
    }

    /** Commits the changes of {@code group} the store has not seen yet, with the watermark they leave. */
    private void commit(List<SequencedBatch> group) throws InterruptedException {
        Building building = Building.UNCHANGED;
        List<SequencedBatch.Sequenced> changes = new ArrayList<>();
        for (SequencedBatch batch : group) {
            changes.addAll(batch.changes());
            if (batch.building() != Building.UNCHANGED) {
                building = batch.building(); // a snapshot that starts and ends in the group: FINISHED, after STARTED
            }
        }
        if (group.get(0).startsSnapshot()) {
            // a snapshot delivers every row again: whatever an interrupted earlier one left must go
            backoff.retrying(store.name(), store::startBuilding);
            watermark = null;
            applied = GtidSet.empty();
            streamed = null;
        }
        List<StoreBatch.Positioned> fresh = new ArrayList<>(changes.size());
        String reached = watermark;
        String newest = streamed;
        int sentAgain = 0;
        boolean resentBefore = false;
        GtidSet holds = applied;
        String lastGtid = null;
        for (SequencedBatch.Sequenced change : changes) {
            if (change.ordered() && reached != null && change.watermark().compareTo(reached) <= 0) {
                status.duplicate();
                continue;
            }
            reached = change.watermark();
            if (!change.snapshot()) {
                // a new record (its offset is new) of a change older than one the store holds: sent again
                // (ModelStore#streamed). Strictly older: the newest itself sent again is skipped by the models' own
                // positions, and two changes that share a position (a record without its transaction block) are
                // both applied
                if (newest != null && change.position().compareTo(newest) < 0) {
                    status.duplicate();
                    sentAgain++;
                    continue;
                }
                resentBefore |= sentAgain > 0 || sentAgainInRow > 0;
                newest = change.position();
            }
            fresh.add(new StoreBatch.Positioned(change.change(), change.position(), change.snapshot()));
            String gtid = change.change().position().gtid();
            if (gtid != null && !gtid.equals(lastGtid)) { // a transaction's rows share its GTID: read it once
                lastGtid = gtid;
                holds = withTransaction(holds, gtid);
            }
        }
        reportSentAgain(sentAgain, resentBefore, newest);
        if (Objects.equals(reached, watermark) && building == Building.UNCHANGED) {
            return;
        }
        StoreBatch batch = new StoreBatch(fresh, watermark, reached, building,
                holds.equals(applied) ? null : holds.toString(), Objects.equals(newest, streamed) ? null : newest);
        List<Refusal> refused = backoff.retrying(store.name(),
                () -> store.commit(batch, unplannable -> keep(unplannable)));
        watermark = reached;
        applied = holds;
        streamed = newest;
        keep(refused);
    }

    /**
     * Says where a run of changes sent again starts and where it ends ({@code newAfter}: a new change followed), not
     * every group of one: a connector sends a minute's changes again after a crash.
     */
    private void reportSentAgain(int sentAgain, boolean newAfter, String newest) {
        if (sentAgain > 0 && sentAgainInRow == 0) {
            log.info("{} skips changes sent again (older than binlog position {}, which its store holds): a connector "
                    + "sends again what followed its last committed offset when it restarts", thread.getName(), newest);
        }
        sentAgainInRow += sentAgain;
        if (newAfter) {
            log.info("{} skipped changes sent again: {} in all; new ones follow", thread.getName(), sentAgainInRow);
            sentAgainInRow = 0;
        }
    }

    /** Keeps refused changes as dead letters; the batch is acknowledged to the source only after this. */
    private void keep(List<Refusal> refusals) throws InterruptedException {
        for (Refusal refusal : refusals) {
            RowChange change = refusal.change();
            status.skipped();
            metrics.error(refusal.stage() == Refusal.Stage.PLAN ? "projection" : "apply");
            metrics.refused(store.name(), refusal.projection());
            log.error("{} on {} at {} goes to the dead letters of read model {}: {} (row before {} after {})",
                    change.operation(), change.table(), change.position(), refusal.projection(),
                    refusal.error().toString(), change.before(), change.after());
            backoff.retrying(DeadLetters.NAME, () -> deadLetters.add(change, store.name(), refusal.projection(),
                    refusal.error()));
        }
    }

    /**
     * {@code applied} with one more source transaction (a GTID; a snapshot row carries the GTID set the snapshot
     * read at). One the projector cannot read leaves it as it is: tokens naming it wait, then read SQL.
     */
    private static GtidSet withTransaction(GtidSet applied, String gtid) {
        try {
            return applied.union(GtidSet.parse(gtid));
        } catch (MalformedGtidSetException | IllegalArgumentException e) {
            log.debug("GTID '{}' not recorded for read-your-writes: {}", gtid, e.getMessage());
            return applied;
        }
    }

    /** A GTID set the projector cannot read (a newer server's syntax) names nothing: tokens then wait, then SQL. */
    private static GtidSet readable(String gtids) {
        if (gtids == null) {
            return GtidSet.empty();
        }
        try {
            return GtidSet.parse(gtids);
        } catch (MalformedGtidSetException e) {
            log.warn("source transactions '{}' are no GTID set this projector reads ({}); reads that carry a "
                    + "consistency token will be answered from SQL", gtids, e.getMessage());
            return GtidSet.empty();
        }
    }
}
