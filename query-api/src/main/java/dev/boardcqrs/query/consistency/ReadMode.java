package dev.boardcqrs.query.consistency;

/** Where one read may take its answer from, as its consistency token allows. */
public enum ReadMode {
    /** No token: the near caches, Redis, SQL for what Redis lacks; as always. */
    CACHED,
    /**
     * Redis covers the token: Redis and SQL, but not the near caches, whose entries may predate the token until
     * Redis' report of a change arrives.
     */
    FRESH,
    /** The projector did not reach the token in time: SQL only, which is current. */
    DATABASE
}
