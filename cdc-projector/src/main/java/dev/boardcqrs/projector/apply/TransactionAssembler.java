package dev.boardcqrs.projector.apply;

import dev.boardcqrs.projector.source.SourceEvent;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a source transaction whole: when a batch ends inside one (its END marker has not arrived yet), its
 * events wait for the next batch, so readers never see part of it. A transaction larger than {@link #MAX_HELD}
 * is applied in parts rather than held in memory without bound.
 */
final class TransactionAssembler {
    private static final Logger log = LoggerFactory.getLogger(TransactionAssembler.class);
    /** The most events of one source transaction held back until its END; beyond it, applied in parts. */
    static final int MAX_HELD = 50_000;

    private final List<SourceEvent> held = new ArrayList<>();

    /**
     * The events that can be applied now, in order: those held from earlier batches and the new ones, except a
     * transaction whose END has not arrived; that one is held.
     */
    List<SourceEvent> ready(List<SourceEvent> events) {
        List<SourceEvent> all = new ArrayList<>(held.size() + events.size());
        all.addAll(held);
        all.addAll(events);
        held.clear();
        int openedAt = -1;
        for (int i = 0; i < all.size(); i++) {
            SourceEvent.Kind kind = all.get(i).kind();
            if (kind == SourceEvent.Kind.BEGIN) {
                openedAt = i;
            } else if (kind == SourceEvent.Kind.END) {
                openedAt = -1;
            }
        }
        if (openedAt < 0) {
            return all;
        }
        if (all.size() - openedAt > MAX_HELD) {
            log.warn("a source transaction has more than {} changes: applying it in parts", MAX_HELD);
            return all;
        }
        held.addAll(all.subList(openedAt, all.size()));
        return new ArrayList<>(all.subList(0, openedAt));
    }
}
