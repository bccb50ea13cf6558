package dev.boardcqrs.common.board;

/**
 * Binlog positions as text that sorts like the binlog, shared by the projector (each change's position) and
 * query-api (the position a read from SQL corresponds to): file number, transaction position, a kind digit
 * (0 for snapshot rows, 1 for streamed changes), then the event and row within the transaction.
 */
public final class Positions {
    private static final long LAST = 999_999;

    private Positions() {
    }

    public static String stream(long fileNumber, long position, long event, long row) {
        return String.format("%010d%013d1%06d%06d", fileNumber, position, event, row);
    }

    public static String snapshot(long fileNumber, long position) {
        return String.format("%010d%013d0", fileNumber, position);
    }

    /**
     * What a consistent read at binlog position {@code position} of {@code file} contains: every transaction
     * that started before it, none that starts at or after it.
     */
    public static String readAt(String file, long position) {
        return stream(fileNumber(file), position - 1, LAST, LAST);
    }

    /** mariadb-bin.000042 -> 42: binlog files are numbered in the order they are written. */
    public static long fileNumber(String file) {
        if (file == null) {
            return 0;
        }
        try {
            return Long.parseLong(file.substring(file.lastIndexOf('.') + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
