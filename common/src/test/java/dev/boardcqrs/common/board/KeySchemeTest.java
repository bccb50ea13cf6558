package dev.boardcqrs.common.board;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeySchemeTest {
    private static final KeyScheme NAMESPACE = new KeyScheme("board-1");

    @Test
    void shouldNameTheArticleOfAModelKeyInAnyGenerationAndOfAViewCounter() {
        assertThat(NAMESPACE.articleOf(NAMESPACE.inGeneration("g7").article(42))).isEqualTo(42L);
        assertThat(NAMESPACE.articleOf(NAMESPACE.inGeneration("g123").article(9_000_000_001L))).isEqualTo(9_000_000_001L);
        assertThat(NAMESPACE.articleOf(NAMESPACE.viewCount(5))).isEqualTo(5L);
    }

    @Test
    void shouldNameNoArticleForTheOtherKeys() {
        KeyScheme g1 = NAMESPACE.inGeneration("g1");
        assertThat(NAMESPACE.articleOf(g1.articleMissed(42))).isNull();
        assertThat(NAMESPACE.articleOf(g1.board(3))).isNull();
        assertThat(NAMESPACE.articleOf(g1.meta())).isNull();
        assertThat(NAMESPACE.articleOf(NAMESPACE.generations())).isNull();
        assertThat(NAMESPACE.articleOf(NAMESPACE.active())).isNull();
        assertThat(NAMESPACE.articleOf(NAMESPACE.viewSeen(5, 7))).isNull();
        assertThat(NAMESPACE.articleOf(new KeyScheme("other").inGeneration("g1").article(42))).isNull();
        assertThat(NAMESPACE.articleOf(g1.article(42) + "x")).isNull();
    }
}
