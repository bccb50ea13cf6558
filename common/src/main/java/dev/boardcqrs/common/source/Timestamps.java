package dev.boardcqrs.common.source;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The one text form of article times, so command-api's answers and the query models agree to the character:
 * ISO-8601 local date-time in UTC with milliseconds, e.g. 2026-11-24T22:36:23.120.
 */
public final class Timestamps {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");

    private Timestamps() {
    }

    public static String format(LocalDateTime time) {
        return time == null ? null : FORMAT.format(time);
    }
}
