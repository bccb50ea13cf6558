package dev.boardcqrs.projector.source;

import java.util.List;

/**
 * Events a change source delivers in one go, in source order. {@code more} when the source had more waiting (the
 * batch is full), so the next batch follows at once. {@code ack} tells the source what has become durable.
 */
public record ChangeBatch(List<SourceEvent> events, boolean more, Acknowledgement ack) {

    public ChangeBatch {
        events = List.copyOf(events);
    }

    /**
     * How a handler tells the source that events are durable in every store. Events are acknowledged in the order
     * they were delivered, across batches: a handler may hold back the end of a batch (a source transaction whose
     * end has not arrived) and acknowledge it with a later batch's {@code ack}. The source may then commit its
     * position past them; what is not acknowledged is delivered again after a restart.
     */
    @FunctionalInterface
    public interface Acknowledgement {
        /** The next {@code events} delivered and not yet acknowledged are durable. */
        void durable(int events) throws InterruptedException;
    }
}
