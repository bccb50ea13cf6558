package dev.boardcqrs.query.degrade;

import dev.boardcqrs.common.consistency.ReadYourWrites;
import io.javalin.http.Context;

/**
 * An answer and whether the database gave it without Redis (Redis was down, or, for read-your-writes, behind). A
 * handler hands it to {@link #answer}, which marks such answers {@code X-Served-From: database}; answers of the read
 * model (near cache, Redis, or a read-through of one missing model) carry no mark.
 */
public record Served<T>(T value, boolean fromDatabase) {

    public static <T> Served<T> byReadModel(T value) {
        return new Served<>(value, false);
    }

    public static <T> Served<T> byDatabase(T value) {
        return new Served<>(value, true);
    }

    /** The value to answer with, after marking the answer when the database gave it. */
    public T answer(Context ctx) {
        if (fromDatabase) {
            ctx.header(ReadYourWrites.SERVED_FROM_HEADER, ReadYourWrites.FROM_DATABASE);
        }
        return value;
    }
}
