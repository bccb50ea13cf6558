package dev.boardcqrs.projector.catalog;

import dev.boardcqrs.common.board.Timestamps;
import dev.boardcqrs.projector.catalog.CatalogOp.PutCatalog;
import dev.boardcqrs.projector.catalog.CatalogOp.PutProduct;
import dev.boardcqrs.projector.change.RowChange;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides, from one catalog or product row change alone, what happens to the catalog display model: the row's
 * new state, or its removal. Where the row sat before is read from the model, not from the before image.
 */
public final class CatalogProjection {

    public List<CatalogOp> plan(RowChange change) {
        return switch (change.table()) {
            case "catalog" -> byId(change, "catalog_id", PutCatalog::deleted, CatalogProjection::catalog);
            case "product" -> byId(change, "product_id", PutProduct::deleted, CatalogProjection::product);
            default -> List.of();
        };
    }

    // a delete removes the old id; a plain-SQL update of the primary key removes the old id and puts the new one
    private static List<CatalogOp> byId(RowChange change, String idColumn,
                                        java.util.function.LongFunction<CatalogOp> removal,
                                        java.util.function.Function<Map<String, Object>, CatalogOp> put) {
        List<CatalogOp> ops = new ArrayList<>(2);
        Map<String, Object> before = change.before();
        Map<String, Object> after = change.after();
        if (before != null && (after == null || id(before, idColumn) != id(after, idColumn))) {
            ops.add(removal.apply(id(before, idColumn)));
        }
        if (after != null) {
            ops.add(put.apply(after));
        }
        return ops;
    }

    private static CatalogOp catalog(Map<String, Object> row) {
        Object parent = row.get("parent_id");
        return new PutCatalog(id(row, "catalog_id"), true, parent == null ? null : ((Number) parent).longValue(),
                (String) row.get("name"), id(row, "display_order"));
    }

    private static CatalogOp product(Map<String, Object> row) {
        return new PutProduct(id(row, "product_id"), true, id(row, "catalog_id"), (String) row.get("status"),
                id(row, "display_order"), (String) row.get("name"), id(row, "price"),
                Timestamps.format((LocalDateTime) row.get("updated_at")));
    }

    private static long id(Map<String, Object> row, String column) {
        Object value = Objects.requireNonNull(row.get(column), () -> "column " + column + " is null");
        return ((Number) value).longValue();
    }
}
