package dev.boardcqrs.common.search;

/** The search engine cannot be reached now (refused, timed out, 429, 5xx): what failed may be tried again. */
public class SearchUnavailableException extends RuntimeException {
    public SearchUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
