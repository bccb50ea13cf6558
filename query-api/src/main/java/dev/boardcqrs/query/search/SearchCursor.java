package dev.boardcqrs.query.search;

import dev.boardcqrs.common.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The {@code after} of a search page: the sort values of the last article of the page before (its score or creation
 * time, then its id), which the engine continues from ({@code search_after}). Opaque to clients (base64url text) and
 * checked strictly when it comes back: it names the sort it was made for.
 */
public record SearchCursor(SearchSort sort, double value, long articleId) {

    public String encode() {
        String text = sort.name().toLowerCase() + ":" + (sort == SearchSort.RECENT ? Long.toString((long) value)
                : Double.toString(value)) + ":" + articleId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The engine's search_after for this cursor. */
    public List<Object> searchAfter() {
        return List.of(sort == SearchSort.RECENT ? (Object) (long) value : (Object) value, articleId);
    }

    /**
     * Reads a cursor made for {@code sort}.
     *
     * @throws ApiException (400) for anything else
     */
    public static SearchCursor decode(String after, SearchSort sort) {
        String invalid = "after must be the next value of a previous answer with the same sort";
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(after), StandardCharsets.UTF_8).split(":", -1);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(invalid);
        }
        if (after.length() > 100 || parts.length != 3 || !parts[0].equals(sort.name().toLowerCase())
                || !parts[2].matches("[1-9][0-9]{0,18}")) {
            throw ApiException.badRequest(invalid);
        }
        try {
            double value = sort == SearchSort.RECENT ? Long.parseLong(parts[1]) : Double.parseDouble(parts[1]);
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                throw ApiException.badRequest(invalid);
            }
            return new SearchCursor(sort, value, Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(invalid);
        }
    }
}
