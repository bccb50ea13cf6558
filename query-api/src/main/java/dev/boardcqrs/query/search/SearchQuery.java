package dev.boardcqrs.query.search;

import dev.boardcqrs.common.web.ApiException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a user may ask a search: words, "quoted phrases" and -exclusions (-word, -"phrase"), nothing else. Each term
 * reaches the engine only as the text of a match query, never as query syntax, so no wildcard, regex, fuzzy or
 * script can be smuggled in. Bounded so one request cannot make the engine work hard: {@value #MAX_LENGTH}
 * characters and {@value #MAX_TERMS} terms.
 */
public record SearchQuery(List<String> required, List<String> excluded) {
    public static final int MAX_LENGTH = 200;
    public static final int MAX_TERMS = 10;

    public SearchQuery {
        required = List.copyOf(required);
        excluded = List.copyOf(excluded);
    }

    /**
     * Parses {@code q}.
     *
     * @throws ApiException (400) naming what is wrong
     */
    public static SearchQuery parse(String q) {
        if (q == null || q.isBlank()) {
            throw ApiException.badRequest("q is required: words, \"phrases\" and -exclusions to search for");
        }
        if (q.length() > MAX_LENGTH) {
            throw ApiException.badRequest("q must be at most " + MAX_LENGTH + " characters");
        }
        // a lone surrogate is not text (a pair is one code point above U+FFFF and passes)
        if (q.codePoints().anyMatch(c -> Character.isISOControl(c) && !Character.isWhitespace(c)
                || c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)) {
            throw ApiException.badRequest("q must be text without control characters");
        }
        List<String> required = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        int i = 0;
        while (i < q.length()) {
            if (Character.isWhitespace(q.charAt(i))) {
                i++;
                continue;
            }
            boolean exclude = q.charAt(i) == '-' && i + 1 < q.length() && !Character.isWhitespace(q.charAt(i + 1));
            if (exclude) {
                i++;
            }
            String term;
            if (q.charAt(i) == '"') {
                int end = q.indexOf('"', i + 1);
                if (end < 0) {
                    throw ApiException.badRequest("q has a phrase without its closing quote");
                }
                term = q.substring(i + 1, end).trim();
                i = end + 1;
            } else {
                int end = i;
                while (end < q.length() && !Character.isWhitespace(q.charAt(end)) && q.charAt(end) != '"') {
                    end++;
                }
                term = q.substring(i, end);
                i = end;
            }
            if (!term.isBlank()) {
                (exclude ? excluded : required).add(term.replaceAll("\\s+", " "));
            }
        }
        if (required.isEmpty()) {
            throw ApiException.badRequest("q needs at least one word or phrase to find (exclusions alone match "
                    + "everything)");
        }
        if (required.size() + excluded.size() > MAX_TERMS) {
            throw ApiException.badRequest("q may have at most " + MAX_TERMS + " words, phrases and exclusions");
        }
        return new SearchQuery(required, excluded);
    }
}
