package dev.boardcqrs.projector.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.boardcqrs.projector.catalog.CatalogOp.PutCatalog;
import dev.boardcqrs.projector.catalog.CatalogOp.PutProduct;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.RowChange.Operation;
import dev.boardcqrs.projector.source.SourcePosition;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogProjectionTest {
    private static final SourcePosition POSITION = new SourcePosition("bin.000001", 120, 1, 0, null, false, false);
    private static final LocalDateTime UPDATED = LocalDateTime.of(2026, 11, 25, 1, 2, 3, 450_000_000);

    private final CatalogProjection projection = new CatalogProjection();

    @Test
    void shouldPutARootCatalogWithANullParent() {
        assertThat(projection.plan(change("catalog", Operation.CREATE, null, catalog(4, null))))
                .containsExactly(new PutCatalog(4, true, null, "catalog 4", 3));
    }

    @Test
    void shouldPutTheNewStateOnAnUpdateWhateverTheBeforeImageSays() {
        assertThat(projection.plan(change("catalog", Operation.UPDATE, catalog(4, 1L), catalog(4, 2L))))
                .containsExactly(new PutCatalog(4, true, 2L, "catalog 4", 3));
    }

    @Test
    void shouldUnlinkADeletedCatalog() {
        assertThat(projection.plan(change("catalog", Operation.DELETE, catalog(4, 1L), null)))
                .containsExactly(PutCatalog.deleted(4));
    }

    @Test
    void shouldRemoveTheOldIdAndPutTheNewOneWhenAPlainSqlUpdateChangesTheKey() {
        assertThat(projection.plan(change("product", Operation.UPDATE, product(7, 4), product(9, 4))))
                .containsExactly(PutProduct.deleted(7),
                        new PutProduct(9, true, 4, "ON_SALE", 2, "product 9", 250, "2026-11-25T01:02:03.450"));
    }

    @Test
    void shouldRemoveADeletedProduct() {
        assertThat(projection.plan(change("product", Operation.DELETE, product(7, 4), null)))
                .containsExactly(PutProduct.deleted(7));
    }

    @Test
    void shouldIgnoreOtherTables() {
        assertThat(projection.plan(change("article", Operation.CREATE, null, Map.of("article_id", 1L)))).isEmpty();
    }

    private static Map<String, Object> catalog(long id, Long parentId) {
        Map<String, Object> row = new HashMap<>(Map.of("catalog_id", id, "name", "catalog " + id, "display_order", 3L));
        row.put("parent_id", parentId);
        return row;
    }

    private static Map<String, Object> product(long id, long catalogId) {
        return Map.of("product_id", id, "catalog_id", catalogId, "name", "product " + id, "price", 250L,
                "status", "ON_SALE", "display_order", 2L, "updated_at", UPDATED);
    }

    private static RowChange change(String table, Operation operation, Map<String, Object> before,
                                    Map<String, Object> after) {
        return new RowChange(table, operation, before, after, POSITION, 0);
    }
}
