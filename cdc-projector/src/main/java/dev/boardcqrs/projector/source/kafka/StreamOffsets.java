package dev.boardcqrs.projector.source.kafka;

import dev.boardcqrs.common.source.Positions;

/**
 * A Kafka offset as a stream's position in the stores: text that sorts like the offsets (zero-padded), since the
 * stores compare watermarks as text to skip what they hold already.
 */
final class StreamOffsets {
    private static final int DIGITS = 19; // Long.MAX_VALUE

    private StreamOffsets() {
    }

    static String position(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offsets are not negative: " + offset);
        }
        return Positions.padded(offset, DIGITS);
    }

    /** @throws IllegalArgumentException when {@code position} is not what {@link #position} writes */
    static long offset(String position) {
        if (position == null || !position.matches("[0-9]{" + DIGITS + "}")) {
            throw new IllegalArgumentException("not a Kafka offset as the projector stores it: '" + position + "'");
        }
        return Long.parseLong(position);
    }
}
