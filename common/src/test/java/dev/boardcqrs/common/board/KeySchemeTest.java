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

    @Test
    void shouldTellTheKeysTheCatalogTreeIsReadFrom() {
        KeyScheme g3 = NAMESPACE.inGeneration("g3");
        assertThat(NAMESPACE.isCatalogTreeKey(g3.catalog(7))).isTrue();
        assertThat(NAMESPACE.isCatalogTreeKey(g3.catalogChildren(7))).isTrue();
        assertThat(NAMESPACE.isCatalogTreeKey(g3.catalogRoots())).isTrue();
        assertThat(NAMESPACE.isCatalogTreeKey(g3.catalogProducts(7))).as("changes with every product").isFalse();
        assertThat(NAMESPACE.isCatalogTreeKey(g3.product(7))).isFalse();
        assertThat(NAMESPACE.isCatalogTreeKey(g3.article(7))).isFalse();
        assertThat(NAMESPACE.isCatalogTreeKey(new KeyScheme("other").inGeneration("g3").catalog(7))).isFalse();
    }
}
