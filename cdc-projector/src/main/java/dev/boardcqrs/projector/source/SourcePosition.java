package dev.boardcqrs.projector.source;

import dev.boardcqrs.common.source.Positions;

/**
 * Where a change stands in the source's binlog, as Debezium's offset records it: the file, the position where
 * its transaction starts, and how many events and rows of that transaction come before it. Snapshot rows all
 * carry the snapshot's position. An UPDATE that changes a primary key reaches us as two records at the same
 * offset, a delete of the old key and then a create of the new one; {@code newKey} marks the create, so it sorts
 * after the delete and is not skipped as a redelivery of it.
 */
public record SourcePosition(String file, long position, long event, long row, String gtid, boolean snapshot,
                             boolean lastOfSnapshot, boolean newKey) {

    public SourcePosition(String file, long position, long event, long row, String gtid, boolean snapshot,
                          boolean lastOfSnapshot) {
        this(file, position, event, row, gtid, snapshot, lastOfSnapshot, false);
    }

    /** The position as sortable text (see {@link Positions}); Lua compares it to skip what a model contains. */
    public String sortKey() {
        long fileNumber = Positions.fileNumber(file);
        if (snapshot) {
            return Positions.snapshot(fileNumber, position);
        }
        // one character more than the delete's key: after it, and before the next row's
        return Positions.stream(fileNumber, position, event, row) + (newKey ? "K" : "");
    }

    @Override
    public String toString() {
        return file + ":" + position + "#" + event + "." + row + (gtid == null ? "" : " gtid " + gtid)
                + (snapshot ? " (snapshot)" : "") + (newKey ? " (new key)" : "");
    }
}
