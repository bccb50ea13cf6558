package dev.boardcqrs.projector.catalog;

import static dev.boardcqrs.projector.source.RowChange.number;

import dev.boardcqrs.common.catalog.CatalogKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.common.source.Timestamps;
import dev.boardcqrs.projector.catalog.CatalogOp.PutCatalog;
import dev.boardcqrs.projector.catalog.CatalogOp.PutProduct;
import dev.boardcqrs.projector.redis.RedisBatch;
import dev.boardcqrs.projector.redis.RedisProjection;
import dev.boardcqrs.projector.source.RowChange;
import java.time.LocalDateTime;
import java.util.ArrayList;
import dev.boardcqrs.projector.source.OrderingGroup;
import java.util.List;
import java.util.Map;

/**
 * The catalog display model (only catalogs with sellable products are shown). Decides, from one catalog or product
 * row change alone, what happens to it: the row's new state, or its removal. Where the row sat before is read from
 * the model, not from the before image. One EVALSHA of catalog_change.lua per change, which refuses a plain-SQL
 * change that would close a cycle in the tree.
 */
public final class CatalogProjection implements RedisProjection<CatalogOp> {
    /**
     * One total order: a product's move and its catalog's move touch the sellable counts of whole subtrees, so
     * catalog and product changes are applied in commit order together (their rate is low).
     */
    public static final OrderingGroup ORDERING = OrderingGroup.total("catalog", List.of("catalog", "product"));
    private static final LuaScript SCRIPT = LuaScript.resource("lua/catalog_change.lua");

    @Override
    public String name() {
        return "catalog";
    }

    @Override
    public List<String> tables() {
        return ORDERING.tables();
    }

    @Override
    public List<LuaScript> scripts() {
        return List.of(SCRIPT);
    }

    @Override
    public void queue(List<Planned<CatalogOp>> writes, RedisBatch batch) {
        writes.forEach(planned -> planned.write().queue(batch));
    }

    static void queue(CatalogOp op, RedisBatch batch) {
        CatalogKeys keys = CatalogKeys.in(batch.generation());
        batch.call(SCRIPT, List.of(keys.catalogPrefix(), keys.productPrefix(), keys.catalogRoots()), op.arguments(), 1,
                (reply, writes) -> "ok".equals(reply) ? Map.of() : Map.of(0,
                        "the catalog model refused it (it would put a catalog inside itself): " + reply));
    }

    // the catalog model keeps no position per node, so an old row image would set it back
    @Override
    public String whyNotRetryable() {
        return "catalog changes are not retried from their stored rows (the model keeps no position per node, so an "
                + "old row would set it back): `rebuild` reads the current rows";
    }

    @Override
    public List<String> keysToForgetAfterRetry(CatalogOp write, KeyScheme generation) {
        return List.of();
    }

    @Override
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
        if (before != null && (after == null || number(before, idColumn) != number(after, idColumn))) {
            ops.add(removal.apply(number(before, idColumn)));
        }
        if (after != null) {
            ops.add(put.apply(after));
        }
        return ops;
    }

    private static CatalogOp catalog(Map<String, Object> row) {
        Object parent = row.get("parent_id");
        return new PutCatalog(number(row, "catalog_id"), true, parent == null ? null : ((Number) parent).longValue(),
                (String) row.get("name"), number(row, "display_order"));
    }

    private static CatalogOp product(Map<String, Object> row) {
        return new PutProduct(number(row, "product_id"), true, number(row, "catalog_id"), (String) row.get("status"),
                number(row, "display_order"), (String) row.get("name"), number(row, "price"),
                Timestamps.format((LocalDateTime) row.get("updated_at")));
    }
}
