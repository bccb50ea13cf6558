package dev.boardcqrs.projector.catalog;

import dev.boardcqrs.projector.redis.RedisBatch;
import java.util.List;

/**
 * One change to the catalog display model, decided from one catalog or product row change. Each carries the
 * row's whole new state, and the Lua script compares it with what the model holds, so the outcome does not
 * depend on the order rows arrive in (snapshot, plain SQL without foreign keys).
 */
public sealed interface CatalogOp {

    /** The arguments of catalog_change.lua for this change. */
    List<String> arguments();

    /** One call of catalog_change.lua for this change. */
    default void queue(RedisBatch batch) {
        CatalogProjection.queue(this, batch);
    }

    /**
     * The catalog row as it now is; {@code linked} false when the row is gone (the node then hangs nowhere
     * but keeps its children and products, as rows that name it still exist). {@code parentId} null: a root.
     */
    record PutCatalog(long catalogId, boolean linked, Long parentId, String name, long displayOrder)
            implements CatalogOp {

        static PutCatalog deleted(long catalogId) {
            return new PutCatalog(catalogId, false, null, "", 0);
        }

        @Override
        public List<String> arguments() {
            return List.of("catalog", Long.toString(catalogId), linked ? "1" : "0",
                    parentId == null ? "" : Long.toString(parentId), name, Long.toString(displayOrder));
        }
    }

    /** The product row as it now is; {@code present} false when the row is gone. */
    record PutProduct(long productId, boolean present, long catalogId, String status, long displayOrder, String name,
                      long price, String updatedAt) implements CatalogOp {

        static PutProduct deleted(long productId) {
            return new PutProduct(productId, false, 0, "", 0, "", 0, "");
        }

        @Override
        public List<String> arguments() {
            return List.of("product", Long.toString(productId), present ? "1" : "0", Long.toString(catalogId), status,
                    Long.toString(displayOrder), name, Long.toString(price), updatedAt);
        }
    }
}
