package dev.boardcqrs.projector.store;

import dev.boardcqrs.projector.source.RowChange;
import java.util.List;

/**
 * One batch for a store: the row changes in source order, each with its position, the watermark the store should
 * still hold ({@code expected}, null for none) and the one it holds after the batch, what happens to its
 * building flag, and the source transactions (a GTID set as text) it holds after the batch: null when the batch
 * names none (unchanged), so readers can wait for their own writes (read-your-writes); for one stream of several,
 * the binlog position of its newest streamed change after the batch ({@code streamed}, null when unchanged), by which
 * records a connector sends again are told from new ones ({@link ModelStore#streamed}).
 */
public record StoreBatch(List<Positioned> changes, String expected, String watermark, Building building,
                         String applied, String streamed) {

    public StoreBatch {
        changes = List.copyOf(changes);
    }

    public StoreBatch(List<Positioned> changes, String expected, String watermark, Building building,
                      String applied) {
        this(changes, expected, watermark, building, applied, null);
    }

    public StoreBatch(List<Positioned> changes, String expected, String watermark, Building building) {
        this(changes, expected, watermark, building, null, null);
    }

    /** A row change and its position as sortable text (see Positions); {@code snapshot} while a snapshot builds. */
    public record Positioned(RowChange change, String position, boolean snapshot) {
    }

    /** What the batch does to the store's "being built" mark. */
    public enum Building {
        UNCHANGED,
        /** A snapshot began: the generation is built from nothing, readers use SQL meanwhile. */
        STARTED,
        /** The snapshot delivered its last row: the generation is complete. */
        FINISHED
    }
}
