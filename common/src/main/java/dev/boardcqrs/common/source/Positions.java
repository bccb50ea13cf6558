package dev.boardcqrs.common.source;

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
        StringBuilder key = new StringBuilder(36);
        padded(key, fileNumber, 10);
        padded(key, position, 13);
        key.append('1');
        padded(key, event, 6);
        padded(key, row, 6);
        return key.toString();
    }

    public static String snapshot(long fileNumber, long position) {
        StringBuilder key = new StringBuilder(24);
        padded(key, fileNumber, 10);
        padded(key, position, 13);
        return key.append('0').toString();
    }

    /** A snapshot row's watermark: snapshot rows share one position, so they are numbered after it. */
    public static String snapshotRow(String snapshotPosition, long rowNumber) {
        StringBuilder key = new StringBuilder(snapshotPosition.length() + 13).append(snapshotPosition).append('S');
        padded(key, rowNumber, 12);
        return key.toString();
    }

    /** {@code value} as text of at least {@code width} digits, leading zeros added, so such texts sort as numbers. */
    public static String padded(long value, int width) {
        StringBuilder text = new StringBuilder(width);
        padded(text, value, width);
        return text.toString();
    }

    // String.format, once per change, showed up in the projector's profile; this is the same "%0Nd"
    private static void padded(StringBuilder key, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            key.append('0');
        }
        key.append(digits);
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
