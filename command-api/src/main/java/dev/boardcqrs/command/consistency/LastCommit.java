package dev.boardcqrs.command.consistency;

import dev.boardcqrs.common.consistency.GtidSet;
import dev.boardcqrs.common.consistency.ReadYourWrites;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * Hands a write's consistency token from the commit to the answer. A request is served on one thread, from its
 * handler through the service to the commit, so the token waits on that thread: the alternative, returning it
 * from every service method beside the result, would double each one's signature for a header.
 */
public final class LastCommit {
    private final ThreadLocal<String> token = new ThreadLocal<>();

    /** Called by the database after each commit; null when the position could not be read (no token then). */
    public void committed(String gtids) {
        token.set(gtids);
    }

    /**
     * {@code write} answering, when it succeeds, {@code X-Consistency-Token} with the position of its last commit
     * ({@code none} when it committed nothing). A write that fails answers no token, nor one whose position
     * could not be read after its commit.
     */
    public Handler answeringToken(Handler write) {
        return ctx -> {
            token.remove();
            try {
                write.handle(ctx);
                String gtids = token.get();
                if (gtids != null) {
                    answer(ctx, gtids);
                }
            } finally {
                token.remove();
            }
        };
    }

    /** For writes that reach no database (views, counted in Redis): a token every read already satisfies. */
    public static void answerNone(Context ctx) {
        answer(ctx, GtidSet.NONE);
    }

    private static void answer(Context ctx, String gtids) {
        ctx.header(ReadYourWrites.TOKEN_HEADER, gtids);
    }
}
