package dev.boardcqrs.query.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.common.web.ApiException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The little query language users get: words, "phrases", -exclusions, bounded, and nothing else. */
class SearchQueryTest {

    @Test
    void shouldReadWordsPhrasesAndExclusions() {
        SearchQuery query = SearchQuery.parse("  검색 \"search  engine\" -spam -\"old news\" 게시글 ");

        assertThat(query.required()).containsExactly("검색", "search engine", "게시글");
        assertThat(query.excluded()).containsExactly("spam", "old news");
    }

    @Test
    void shouldPassEngineSyntaxOnAsPlainText() {
        // the engine only ever sees these as the text of a match query, which analyzes them as words
        SearchQuery query = SearchQuery.parse("*foo /re.*gex/ title:x OR a~2");

        assertThat(query.required()).containsExactly("*foo", "/re.*gex/", "title:x", "OR", "a~2");
    }

    @Test
    void shouldTakeAHyphenInsideOrAloneAsText() {
        assertThat(SearchQuery.parse("e-mail - x").required()).containsExactly("e-mail", "-", "x");
    }

    @Test
    void shouldRefuseWhatItCannotBound() {
        assertRefused(null, "q is required");
        assertRefused("   ", "q is required");
        assertRefused("a".repeat(SearchQuery.MAX_LENGTH + 1), "at most 200 characters");
        assertRefused("a b c d e f g h i j k", "at most 10");
        assertRefused("-spam", "at least one word");
        assertRefused("\"unclosed phrase", "closing quote");
        assertRefused("bad\u0000byte", "control characters");
        assertRefused("lone \uD800 surrogate", "control characters");
    }

    @Test
    void shouldAcceptCharactersAboveTheBasicPlane() {
        assertThat(SearchQuery.parse("emoji \uD83D\uDE00").required()).isEqualTo(List.of("emoji", "\uD83D\uDE00"));
    }

    private static void assertRefused(String q, String message) {
        assertThatThrownBy(() -> SearchQuery.parse(q)).isInstanceOf(ApiException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400));
    }
}
