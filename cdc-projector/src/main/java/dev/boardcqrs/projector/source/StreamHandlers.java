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

    /** A stream's handler and the position its first store holds for it, or null when it holds none. */
    record Stream(ChangeHandler handler, String position) {
    }
}
