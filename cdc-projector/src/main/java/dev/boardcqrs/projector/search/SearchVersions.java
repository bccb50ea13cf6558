package dev.boardcqrs.projector.search;

/**
 * The external version of a document written by a change: a number that grows with the change's position in the
 * binlog, so the engine itself refuses a change older than the one a document holds (after a redelivery, a replay
 * from an old offset, or a batch applied again after a crash). The position's text (see
 * {@link dev.boardcqrs.common.source.Positions}) does not fit in a long, so it is packed into 63 bits:
 * <pre>
 *   file number (20 bits) | position in the file (32 bits) | streamed (1 bit) | event in the transaction (10 bits)
 * </pre>
 * Snapshot rows are 0 in the last 11 bits: below every streamed change at or after the snapshot's position. Binlog
 * positions are 32-bit in the v4 event header and file numbers stay far below a million; a change beyond either
 * cannot be versioned and goes to the dead letters. Events past the 1023rd of one transaction share its last
 * version; the store writes with {@code version_type=external_gte}, so among equal versions the later write wins
 * (writes of one batch go in source order), and writing a change again is harmless: it writes the same document.
 */
public final class SearchVersions {
    static final int FILE_BITS = 20;
    static final int POSITION_BITS = 32;
    static final int EVENT_BITS = 10;
    private static final long MAX_EVENT = (1L << EVENT_BITS) - 1;

    private SearchVersions() {
    }

    /** The version of a change at {@code position}, a position's sortable text. */
    public static long of(String position) {
        if (position == null || position.length() < 24) {
            throw new IllegalArgumentException("not a source position: " + position);
        }
        long file = Long.parseLong(position.substring(0, 10));
        long offset = Long.parseLong(position.substring(10, 23));
        boolean streamed = position.charAt(23) == '1';
        long event = streamed ? Math.min(Long.parseLong(position.substring(24, 30)), MAX_EVENT) : 0;
        if (file >= 1L << FILE_BITS || offset >= 1L << POSITION_BITS) {
            throw new IllegalArgumentException("binlog file " + file + " position " + offset
                    + " is beyond what a search version holds (file < 2^20, position < 2^32)");
        }
        return file << (POSITION_BITS + 1 + EVENT_BITS) | offset << (1 + EVENT_BITS)
                | (streamed ? 1L : 0L) << EVENT_BITS | event;
    }
}
