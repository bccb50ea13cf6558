package dev.boardcqrs.projector.change;

import dev.boardcqrs.common.board.Positions;

/**
 * Where a change stands in the source's binlog, as Debezium's offset records it: the file, the position where
 * its transaction starts, and how many events and rows of that transaction come before it. Snapshot rows all
 * carry the snapshot's position.
 */
public record SourcePosition(String file, long position, long event, long row, String gtid, boolean snapshot,
                             boolean lastOfSnapshot) {

    /** The position as sortable text (see {@link Positions}); Lua compares it to skip what a model contains. */
    public String sortKey() {
        long fileNumber = Positions.fileNumber(file);
        return snapshot ? Positions.snapshot(fileNumber, position) : Positions.stream(fileNumber, position, event, row);
    }

    @Override
    public String toString() {
        return file + ":" + position + "#" + event + "." + row + (gtid == null ? "" : " gtid " + gtid)
                + (snapshot ? " (snapshot)" : "");
    }
}
