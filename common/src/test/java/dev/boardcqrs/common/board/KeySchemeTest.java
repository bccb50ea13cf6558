package dev.boardcqrs.common.board;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeySchemeTest {
    private static final KeyScheme NAMESPACE = new KeyScheme("board-1");

    @Test
    void shouldNameTheArticleOfAModelKeyInAnyGenerationAndOfAViewCounter() {
        assertThat(NAMESPACE.articleOfModel(NAMESPACE.inGeneration("g7").article(42))).isEqualTo(42L);
        assertThat(NAMESPACE.articleOfModel(NAMESPACE.inGeneration("g123").article(9_000_000_001L)))
                .isEqualTo(9_000_000_001L);
        assertThat(NAMESPACE.articleOfViewCount(NAMESPACE.viewCount(5))).isEqualTo(5L);
    }

    @Test
    void shouldNameNoArticleForTheOtherKeys() {
        KeyScheme g1 = NAMESPACE.inGeneration("g1");
        List<String> others = List.of(g1.articleMissed(42), g1.board(3), g1.meta(), NAMESPACE.generations(),
                NAMESPACE.active(), NAMESPACE.viewSeen(5, 7), new KeyScheme("other").inGeneration("g1").article(42),
                g1.article(42) + "x", new KeyScheme("other").viewCount(5));
        for (String key : others) {
            assertThat(NAMESPACE.articleOfModel(key)).as(key).isNull();
            assertThat(NAMESPACE.articleOfViewCount(key)).as(key).isNull();
        }
        assertThat(NAMESPACE.articleOfModel(NAMESPACE.viewCount(5))).isNull();
        assertThat(NAMESPACE.articleOfViewCount(g1.article(5))).isNull();
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
