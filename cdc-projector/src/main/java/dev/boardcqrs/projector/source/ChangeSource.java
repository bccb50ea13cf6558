package dev.boardcqrs.projector.source;

/** Delivers one generation's changes to its {@link ChangeHandler}, on a thread of its own, until closed. */
public interface ChangeSource extends AutoCloseable {

    void start();

    /** Stops delivering: the handler finishes and acknowledges the batch in flight, then the position is committed. */
    @Override
    void close();
}
