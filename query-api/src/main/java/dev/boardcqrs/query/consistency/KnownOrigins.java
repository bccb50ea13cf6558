package dev.boardcqrs.query.consistency;

import dev.boardcqrs.common.consistency.GtidSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.HashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origin servers the database knows (those in its own GTID state, and itself), to tell a token of another
 * database from one the projector has not reached yet. Asked only about origins the projector has not applied
 * anything of, and then at most once a second, so made-up tokens cannot make query-api hammer the database.
 */
public final class KnownOrigins {
    private static final Logger log = LoggerFactory.getLogger(KnownOrigins.class);
    private static final long REFRESH_NANOS = 1_000_000_000L;

    private final Supplier<List<GtidSet.Origin>> database;
    private final LongSupplier nanoTime;
    private Set<GtidSet.Origin> known = Set.of();
    private long readAt;
    private boolean read;

    /** {@code database}: the origins the database names now; may throw when it is unreachable. */
    public KnownOrigins(Supplier<List<GtidSet.Origin>> database, LongSupplier nanoTime) {
        this.database = database;
        this.nanoTime = nanoTime;
    }

    /** Whether {@code origin} is the database's, as far as it can be told; true when the database cannot say. */
    public synchronized boolean knows(GtidSet.Origin origin) {
        if (known.contains(origin)) {
            return true;
        }
        long now = nanoTime.getAsLong();
        if (read && now - readAt < REFRESH_NANOS) {
            return false;
        }
        try {
            known = new HashSet<>(database.get());
            read = true;
            readAt = now;
            return known.contains(origin);
        } catch (RuntimeException e) {
            log.debug("could not read the database's GTID origins: {}", e.toString());
            return true;
        }
    }
}
