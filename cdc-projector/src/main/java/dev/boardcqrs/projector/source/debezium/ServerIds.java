package dev.boardcqrs.projector.source.debezium;

import dev.boardcqrs.projector.generation.Generation;
import java.util.HashSet;
import java.util.Set;

/**
 * The server ids the binlog readers of this projector use. Two readers with one server id make the server drop
 * the older one, and during a rebuild two engines read at once. A generation prefers PROJECTOR_SERVER_ID with its
 * lowest bit set by the generation's parity, which keeps consecutive generations apart; but a rebuild that a stop
 * interrupted skips a number (g7 serving, g9 rebuilding), so the id is chosen among those not in use.
 */
final class ServerIds {
    private final long base;
    private final Set<Long> inUse = new HashSet<>();

    ServerIds(long base) {
        this.base = base;
    }

    /** An id no open reader of this projector uses, the generation's own when it is free. */
    synchronized long acquire(Generation generation) {
        long preferred = base ^ (generation.number() & 1);
        long id = inUse.contains(preferred) ? preferred ^ 1 : preferred;
        if (!inUse.add(id)) {
            throw new IllegalStateException("two binlog readers already run (server ids " + inUse + "); generation "
                    + generation + " cannot open a third");
        }
        return id;
    }

    synchronized void release(long id) {
        inUse.remove(id);
    }
}
