package dev.boardcqrs.common.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.catalog.CatalogKeys;
import dev.boardcqrs.common.view.ViewKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The key parsers the near caches use to learn what a changed key belongs to. */
class KeySchemeTest {
    private static final KeyScheme NAMESPACE = new KeyScheme("board-1");
    private static final ViewKeys VIEWS = new ViewKeys(NAMESPACE);

    @Test
    void shouldNameTheArticleOfAModelKeyInAnyGenerationAndOfAViewCounter() {
        assertThat(articleOfModel(board("g7").article(42))).isEqualTo(42L);
        assertThat(articleOfModel(board("g123").article(9_000_000_001L))).isEqualTo(9_000_000_001L);
        assertThat(VIEWS.articleOfViewCount(VIEWS.viewCount(5))).isEqualTo(5L);
    }

    @Test
    void shouldNameNoArticleForTheOtherKeys() {
        BoardKeys g1 = board("g1");
        List<String> others = List.of(g1.articleMissed(42), g1.board(3), NAMESPACE.inGeneration("g1").meta(),
                NAMESPACE.generations(), NAMESPACE.active(), VIEWS.viewSeen(5, 7),
                BoardKeys.in(new KeyScheme("other").inGeneration("g1")).article(42),
                g1.article(42) + "x", new ViewKeys("other").viewCount(5));
        for (String key : others) {
            assertThat(articleOfModel(key)).as(key).isNull();
            assertThat(VIEWS.articleOfViewCount(key)).as(key).isNull();
        }
        assertThat(articleOfModel(VIEWS.viewCount(5))).isNull();
        assertThat(VIEWS.articleOfViewCount(g1.article(5))).isNull();
    }

    @Test
    void shouldTellTheKeysTheCatalogTreeIsReadFrom() {
        CatalogKeys g3 = CatalogKeys.in(NAMESPACE.inGeneration("g3"));
        assertThat(isCatalogTreeKey(g3.catalog(7))).isTrue();
        assertThat(isCatalogTreeKey(g3.catalogChildren(7))).isTrue();
        assertThat(isCatalogTreeKey(g3.catalogRoots())).isTrue();
        assertThat(isCatalogTreeKey(g3.catalogProducts(7))).as("changes with every product").isFalse();
        assertThat(isCatalogTreeKey(g3.product(7))).isFalse();
        assertThat(isCatalogTreeKey(board("g3").article(7))).isFalse();
        assertThat(isCatalogTreeKey(CatalogKeys.in(new KeyScheme("other").inGeneration("g3")).catalog(7))).isFalse();
    }

    private static BoardKeys board(String generation) {
        return BoardKeys.in(NAMESPACE.inGeneration(generation));
    }

    private static Long articleOfModel(String key) {
        return BoardKeys.articleOfModel(NAMESPACE.inAnyGeneration(key));
    }

    private static boolean isCatalogTreeKey(String key) {
        return CatalogKeys.isTreeKey(NAMESPACE.inAnyGeneration(key));
    }
}
