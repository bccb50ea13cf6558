package dev.boardcqrs.query.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogTreeFromDatabaseTest {

    @Test
    void shouldShowOnlyCatalogsWithProductsOnSaleBelowThemInDisplayOrder() {
        CatalogSource.Rows rows = new CatalogSource.Rows(List.of(
                catalog(1, null, "food", 2),
                catalog(2, null, "drinks", 1),
                catalog(3, 1L, "fruit", 0),
                catalog(4, 1L, "bread", 0), // same order as fruit: by id
                catalog(5, 1L, "empty", 0),
                catalog(6, 3L, "apples", 5),
                catalog(7, null, "nothing on sale", 0)),
                Map.of(6L, 3L, 4L, 1L, 2L, 2L));

        assertThat(describe(CatalogTreeFromDatabase.build(rows))).containsExactly(
                "0 2 drinks 1 2",
                "0 1 food 2 4",
                "1 3 fruit 0 3",
                "2 6 apples 5 3",
                "1 4 bread 0 1");
    }

    @Test
    void shouldNotShowCatalogsUnderAMissingParentOrInACycle() {
        CatalogSource.Rows rows = new CatalogSource.Rows(List.of(
                catalog(1, null, "root", 0),
                catalog(2, 99L, "orphan", 0),
                catalog(3, 4L, "cycle a", 0),
                catalog(4, 3L, "cycle b", 0)),
                Map.of(1L, 1L, 2L, 1L, 3L, 1L, 4L, 1L));

        assertThat(describe(CatalogTreeFromDatabase.build(rows))).containsExactly("0 1 root 0 1");
    }

    private static CatalogSource.Catalog catalog(long id, Long parent, String name, long order) {
        return new CatalogSource.Catalog(id, parent, name, order);
    }

    private static List<String> describe(List<CatalogNode> roots) {
        List<String> lines = new ArrayList<>();
        describe(roots, 0, lines);
        return lines;
    }

    private static void describe(List<CatalogNode> nodes, int depth, List<String> lines) {
        for (CatalogNode node : nodes) {
            lines.add(depth + " " + node.catalogId() + " " + node.name() + " " + node.displayOrder() + " "
                    + node.sellableCount());
            describe(node.children(), depth + 1, lines);
        }
    }
}
