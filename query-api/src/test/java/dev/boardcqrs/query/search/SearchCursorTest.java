package dev.boardcqrs.query.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.common.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A page's cursor comes back as it was made, and nothing else is taken for one. */
class SearchCursorTest {

    @Test
    void shouldComeBackAsItWasMade() {
        SearchCursor relevance = new SearchCursor(SearchSort.RELEVANCE, 3.1415927, 42);
        SearchCursor recent = new SearchCursor(SearchSort.RECENT, 1_764_633_600_123L, 7);

        assertThat(SearchCursor.decode(relevance.encode(), SearchSort.RELEVANCE)).isEqualTo(relevance);
        assertThat(SearchCursor.decode(recent.encode(), SearchSort.RECENT).searchAfter())
                .isEqualTo(List.of(1_764_633_600_123L, 7L));
    }

    @Test
    void shouldRefuseACursorOfAnotherSortOrAnythingElse() {
        String relevance = new SearchCursor(SearchSort.RELEVANCE, 1.5, 42).encode();

        assertRefused(relevance, SearchSort.RECENT);
        assertRefused("not base64 !", SearchSort.RELEVANCE);
        assertRefused(encode("relevance:NaN:1"), SearchSort.RELEVANCE);
        assertRefused(encode("relevance:1.0:0"), SearchSort.RELEVANCE);
        assertRefused(encode("relevance:1.0:1:extra"), SearchSort.RELEVANCE);
        assertRefused(encode("recent:1.5:1"), SearchSort.RECENT);
    }

    private static String encode(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertRefused(String after, SearchSort sort) {
        assertThatThrownBy(() -> SearchCursor.decode(after, sort)).isInstanceOf(ApiException.class)
                .hasMessageContaining("after must be");
    }
}
