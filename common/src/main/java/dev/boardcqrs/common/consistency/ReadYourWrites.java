package dev.boardcqrs.common.consistency;

/**
 * The HTTP names of read-your-writes, shared by command-api (which answers a token with every write) and
 * query-api (which takes it back with a read). The token is a {@link GtidSet} as text.
 */
public final class ReadYourWrites {
    /** The header a write answers with, and a read may carry. */
    public static final String TOKEN_HEADER = "X-Consistency-Token";
    /** The query parameter a read may carry the token in instead. */
    public static final String TOKEN_PARAMETER = "after";
    /** Set to {@link #FROM_DATABASE} on an answer read from SQL rather than from the query models. */
    public static final String SERVED_FROM_HEADER = "X-Served-From";
    public static final String FROM_DATABASE = "database";

    private ReadYourWrites() {
    }
}
