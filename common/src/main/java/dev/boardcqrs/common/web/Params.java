package dev.boardcqrs.common.web;

import io.javalin.http.Context;
import java.util.regex.Pattern;

/**
 * Ids and numbers from paths and query strings, read strictly: ASCII digits only (Java would also accept
 * other scripts' digits, so "/articles/١" would name article 1), no sign, no leading zeros, within range.
 */
public final class Params {
    private static final Pattern POSITIVE = Pattern.compile("[1-9][0-9]{0,18}");

    private Params() {
    }

    public static long positiveId(Context ctx, String name) {
        return positive(name, ctx.pathParam(name), Long.MAX_VALUE);
    }

    /** An optional query parameter between 1 and {@code max}; {@code absent} when it is not given. */
    public static long queryNumber(Context ctx, String name, long absent, long max) {
        String value = ctx.queryParam(name);
        return value == null ? absent : positive(name, value, max);
    }

    private static long positive(String name, String value, long max) {
        if (value == null || !POSITIVE.matcher(value).matches()) {
            throw ApiException.badRequest(name + " must be a positive integer");
        }
        try {
            long number = Long.parseLong(value);
            if (number > max) {
                throw ApiException.badRequest(name + " must be between 1 and " + max);
            }
            return number;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a positive integer");
        }
    }
}
