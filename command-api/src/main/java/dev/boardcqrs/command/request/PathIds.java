package dev.boardcqrs.command.request;

import io.javalin.http.Context;

/** Ids in the path: positive integers, or a 400 that names the parameter. */
public final class PathIds {
    private PathIds() {
    }

    public static long positive(Context ctx, String name) {
        return ctx.pathParamAsClass(name, Long.class)
                .check(id -> id > 0, "must be a positive integer")
                .get();
    }
}
