package dev.boardcqrs.query.consistency;

import dev.boardcqrs.common.consistency.GtidSet;

/**
 * What the read models hold, as far as tokens are concerned: the source transactions the active generation has
 * applied, or {@code fromSql} while there is no generation to read (none yet, or a snapshot is building it), when
 * reads are answered from SQL, which holds every commit. {@code tracked} is false for a generation that keeps no
 * applied set (the projector reads Kafka partitions): no wait could ever end, so token reads go to SQL at once.
 */
public record Applied(boolean fromSql, boolean tracked, GtidSet gtids) {

    public Applied(boolean fromSql, GtidSet gtids) {
        this(fromSql, true, gtids);
    }

    public static Applied readingSql() {
        return new Applied(true, GtidSet.empty());
    }

    public static Applied untracked() {
        return new Applied(false, false, GtidSet.empty());
    }

    public boolean covers(GtidSet token) {
        return fromSql || gtids.covers(token);
    }
}
