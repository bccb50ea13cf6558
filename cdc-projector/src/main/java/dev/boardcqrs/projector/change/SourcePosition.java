package dev.boardcqrs.projector.change;

/**
 * Where a change stands in the source's binlog: file, byte position of its event, row within the event,
 * and the GTID of its transaction when the server has one. Snapshot rows carry the snapshot's position.
 */
public record SourcePosition(String file, long position, int row, String gtid, boolean snapshot) {

    @Override
    public String toString() {
        return file + ":" + position + "#" + row + (gtid == null ? "" : " gtid " + gtid) + (snapshot ? " (snapshot)" : "");
    }
}
