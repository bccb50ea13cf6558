package dev.boardcqrs.projector.apply;

import dev.boardcqrs.projector.source.RowChange;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** What the projector has done so far, for /health, /status and the logs. Safe to read from any thread. */
public final class ProjectorStatus {
    /** STARTING until the connector task runs, then RUNNING; SNAPSHOT or STREAMING by the last change applied. */
    public enum State { STARTING, RUNNING, SNAPSHOT, STREAMING, RETRYING, STOPPED, FAILED }

    private final Clock clock;
    private final AtomicLong snapshotRows = new AtomicLong();
    private final AtomicLong streamedChanges = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong skippedChanges = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private volatile State state = State.STARTING;
    private volatile String lastPosition;
    private volatile long lastSourceTimeMillis;
    private volatile long lastAppliedAtMillis;
    private volatile String failure;
    private volatile long snapshotStartedAtMillis;
    private volatile long snapshotTotalRows;
    private final AtomicLong snapshotRowsDone = new AtomicLong();
    private final AtomicLong completedSnapshots = new AtomicLong();
    private final CountDownLatch settled = new CountDownLatch(1);

    public ProjectorStatus(Clock clock) {
        this.clock = clock;
    }

    /** A snapshot begins: {@code totalRows} is what the tables hold now, for progress and ETA. */
    void snapshotStarted(long totalRows) {
        snapshotStartedAtMillis = clock.millis();
        snapshotTotalRows = totalRows;
        snapshotRowsDone.set(0);
        state = State.SNAPSHOT;
    }

    /** The snapshot has delivered its last row: from here on changes stream. */
    void snapshotDone() {
        snapshotStartedAtMillis = 0;
        completedSnapshots.incrementAndGet();
        if (state == State.SNAPSHOT || state == State.RUNNING) {
            state = State.STREAMING;
        }
    }

    /** "12000 / 100000 rows, 40000 rows/s, ETA 2 s" while a snapshot runs, else null. */
    public String snapshotProgress() {
        if (state != State.SNAPSHOT || snapshotStartedAtMillis == 0) {
            return null;
        }
        long done = snapshotRowsDone.get();
        double seconds = Math.max(0.001, (clock.millis() - snapshotStartedAtMillis) / 1000.0);
        long rate = Math.round(done / seconds);
        long left = Math.max(0, snapshotTotalRows - done);
        String eta = rate == 0 ? "unknown" : (left / rate) + " s";
        return done + " / " + snapshotTotalRows + " rows, " + rate + " rows/s, ETA " + eta;
    }

    /** The changes of one batch were applied, in this order; called once per batch, not per change. */
    void applied(List<RowChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        long snapshot = changes.stream().filter(change -> change.position().snapshot()).count();
        snapshotRows.addAndGet(snapshot);
        snapshotRowsDone.addAndGet(snapshot);
        streamedChanges.addAndGet(changes.size() - snapshot);
        RowChange last = changes.get(changes.size() - 1);
        state = last.position().snapshot() ? State.SNAPSHOT : State.STREAMING;
        lastPosition = last.position().toString();
        lastSourceTimeMillis = last.sourceTimeMillis();
        lastAppliedAtMillis = clock.millis();
    }

    void batchDone() {
        batches.incrementAndGet();
    }

    void duplicate() {
        duplicates.incrementAndGet();
    }

    public long duplicates() {
        return duplicates.get();
    }

    void skipped() {
        skippedChanges.incrementAndGet();
    }

    void retrying(String reason) {
        state = State.RETRYING;
        failure = reason;
    }

    void recovered() {
        if (state == State.RETRYING) {
            state = State.STREAMING;
            failure = null;
        }
    }

    public void taskStarted() {
        if (state == State.STARTING) {
            state = State.RUNNING;
        }
        settled.countDown();
    }

    /** Waits until the connector task runs or the engine failed; false when neither happened in time. */
    public boolean awaitStarted(Duration timeout) throws InterruptedException {
        return settled.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && state != State.FAILED;
    }

    public void stopped() {
        if (state != State.FAILED) {
            state = State.STOPPED;
        }
    }

    public void failed(String reason) {
        state = State.FAILED;
        failure = reason;
        settled.countDown();
    }

    public State state() {
        return state;
    }

    /** How long after its commit at the source the last applied change was applied; 0 before any. */
    public long lagMillis() {
        long source = lastSourceTimeMillis;
        return source == 0 ? 0 : Math.max(0, lastAppliedAtMillis - source);
    }

    public long snapshotRowsDone() {
        return snapshotRowsDone.get();
    }

    public long snapshotTotalRows() {
        return snapshotTotalRows;
    }

    public long snapshotRows() {
        return snapshotRows.get();
    }

    public long streamedChanges() {
        return streamedChanges.get();
    }

    /** Snapshots whose last row has been applied and counted in {@link #snapshotRows()}. */
    public long completedSnapshots() {
        return completedSnapshots.get();
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("state", state.name());
        map.put("snapshotRows", snapshotRows.get());
        map.put("streamedChanges", streamedChanges.get());
        map.put("batches", batches.get());
        map.put("skippedChanges", skippedChanges.get());
        map.put("redeliveredChangesSkipped", duplicates.get());
        map.put("lastPosition", lastPosition);
        map.put("lastSourceTimeMillis", lastSourceTimeMillis);
        map.put("lastAppliedAtMillis", lastAppliedAtMillis);
        map.put("snapshotProgress", snapshotProgress());
        map.put("snapshotRowsDone", snapshotRowsDone.get());
        map.put("snapshotTotalRows", snapshotTotalRows);
        map.put("lagMillis", lagMillis());
        map.put("completedSnapshots", completedSnapshots.get());
        map.put("failure", failure);
        return map;
    }
}
