package dev.boardcqrs.projector.source;

/**
 * What a change source delivers to: the projector core. It may still be writing a batch when {@link #handle}
 * returns (so the source reads the next one meanwhile) and acknowledges it once every store has it.
 */
public interface ChangeHandler {

    /** Takes one batch; returns when the source may deliver the next. */
    void handle(ChangeBatch batch) throws InterruptedException;

    /**
     * Acknowledges what every store has committed since, without waiting; throws the failure of a batch that failed,
     * as {@link #handle} would. For a source that must not wait in {@link #handle}, and calls this instead while it
     * does other work between batches (a Kafka consumer has to poll on, or its group cannot rebalance).
     */
    default void acknowledgeStored() throws InterruptedException {
    }

    /**
     * The source is about to stop: waits for the batch in flight and acknowledges it, and from now on finishes every
     * batch before {@link #handle} returns, so the source's last commit of its position holds all that was applied.
     */
    void finishInFlight();

    /** The source has stopped: stops the handler's own threads. */
    void stop();
}
