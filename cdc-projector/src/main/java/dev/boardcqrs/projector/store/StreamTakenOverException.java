package dev.boardcqrs.projector.store;

/**
 * A stream's position in a store is no longer the one this projector committed or read last: another instance has
 * taken the stream over (a Kafka partition reassigned in a rebalance this one has not noticed yet) and committed
 * since. Nothing of the batch was written; this instance must stop writing the stream, or read it again from the
 * position the store holds now.
 */
public final class StreamTakenOverException extends RuntimeException {
    public StreamTakenOverException(String store, String stream, String expected, String found) {
        super(store + " holds position " + found + " of " + stream + " where this projector expected "
                + (expected == null ? "none" : expected) + ": another instance took the stream over");
    }
}
