package dev.boardcqrs.common.search;

/**
 * The search engine refused a request with a 4xx answer: {@code type} is its error type
 * ({@code index_not_found_exception}, {@code resource_already_exists_exception}, ...), so callers decide by type,
 * not by message text.
 */
public class SearchRefusedException extends RuntimeException {
    private final int status;
    private final String type;

    public SearchRefusedException(int status, String type, String reason) {
        super("search engine answered " + status + " " + type + ": " + reason);
        this.status = status;
        this.type = type;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }
}
