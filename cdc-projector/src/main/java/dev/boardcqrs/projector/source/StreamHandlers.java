package dev.boardcqrs.projector.source;

/**
 * Opens a handler for one stream of a generation's changes. The embedded engine has one stream (named null) whose
 * position the stores keep as their watermark; a Kafka consumer has one per partition it owns, each with its own
 * handler, store lanes and position, since partitions are ordered each on its own and move on independently.
 */
@FunctionalInterface
public interface StreamHandlers {

    /**
     * A new handler for {@code stream} (null: the generation's one stream), and the position its stores hold for it
     * (null for none). Each call starts lanes of its own: stop the handler once the stream is no longer read.
     */
    Stream open(String stream);

    /**
     * A stream's handler, the position its first store holds for it (null when it holds none), and whom to tell when
     * the stream has read all its source held once.
     */
    record Stream(ChangeHandler handler, String position, CaughtUp caughtUp) {
    }

    /** Hears that a stream has applied all its source held at some moment (a partition's end). */
    @FunctionalInterface
    interface CaughtUp {
        /** {@code streams}: every stream of the generation's source, this one among them. */
        void caughtUp(java.util.Collection<String> streams);
    }
}
