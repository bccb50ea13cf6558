package dev.boardcqrs.projector.apply;

import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.store.StoreBatch.Building;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One source batch on its way to the stores: its row changes with their positions and watermarks, what it does to
 * the building mark, how many source events it acknowledges once every store has it, and two futures: done when
 * the first store has committed it, and when every store has.
 */
final class SequencedBatch {
    /**
     * A row change with its position for the models and the watermark it leaves; {@code ordered} when its watermark
     * tells a redelivery: a change at or below the store's watermark was applied before. Snapshot rows of the
     * embedded engine are not: they are numbered anew when an interrupted snapshot starts over.
     */
    record Sequenced(RowChange change, String position, String watermark, boolean snapshot, boolean ordered) {
    }

    private final List<Sequenced> changes;
    private final boolean startsSnapshot;
    private final Building building;
    private final int events;
    private final int records;
    private final long submittedNanos = System.nanoTime();
    private final AtomicInteger storesLeft;
    private final CompletableFuture<Void> inFirstStore = new CompletableFuture<>();
    private final CompletableFuture<Void> inEveryStore = new CompletableFuture<>();

    /**
     * {@code events}: the source events it acknowledges (a transaction held back for its end is acknowledged with a
     * later batch); {@code records}: how many the source delivered, for the metrics.
     */
    SequencedBatch(List<Sequenced> changes, boolean startsSnapshot, Building building, int events, int records,
                   int stores) {
        this.changes = List.copyOf(changes);
        this.startsSnapshot = startsSnapshot;
        this.building = building;
        this.events = events;
        this.records = records;
        this.storesLeft = new AtomicInteger(stores);
    }

    List<Sequenced> changes() {
        return changes;
    }

    boolean startsSnapshot() {
        return startsSnapshot;
    }

    Building building() {
        return building;
    }

    int events() {
        return events;
    }

    int records() {
        return records;
    }

    long submittedNanos() {
        return submittedNanos;
    }

    CompletableFuture<Void> inFirstStore() {
        return inFirstStore;
    }

    CompletableFuture<Void> inEveryStore() {
        return inEveryStore;
    }

    /** One more store has it; true when that was the last. */
    boolean committedByOneMore() {
        return storesLeft.decrementAndGet() == 0;
    }

    boolean inEveryStoreYet() {
        return storesLeft.get() == 0;
    }

    void failed(Throwable error) {
        inFirstStore.completeExceptionally(error);
        inEveryStore.completeExceptionally(error);
    }
}
