package dev.boardcqrs.query.search;

import dev.boardcqrs.common.web.ApiException;

/** The order of search results: best match first, or newest first; ties by article id, newest first. */
public enum SearchSort {
    RELEVANCE, RECENT;

    /** {@code relevance} (the default) or {@code recent}. */
    public static SearchSort parse(String value) {
        if (value == null || value.equals("relevance")) {
            return RELEVANCE;
        }
        if (value.equals("recent")) {
            return RECENT;
        }
        throw ApiException.badRequest("sort must be relevance or recent");
    }
}
