package dev.boardcqrs.projector.catalog;

/**
 * One change to the catalog display model, decided from one catalog or product row change. Each carries the
 * row's whole new state, and the Lua script compares it with what the model holds, so the outcome does not
 * depend on the order rows arrive in (snapshot, plain SQL without foreign keys).
 */
public sealed interface CatalogOp {

    /**
     * The catalog row as it now is; {@code linked} false when the row is gone (the node then hangs nowhere
     * but keeps its children and products, as rows that name it still exist). {@code parentId} null: a root.
     */
    record PutCatalog(long catalogId, boolean linked, Long parentId, String name, long displayOrder)
            implements CatalogOp {

        static PutCatalog deleted(long catalogId) {
            return new PutCatalog(catalogId, false, null, "", 0);
        }
    }

    /** The product row as it now is; {@code present} false when the row is gone. */
    record PutProduct(long productId, boolean present, long catalogId, String status, long displayOrder, String name,
                      long price, String updatedAt) implements CatalogOp {

        static PutProduct deleted(long productId) {
            return new PutProduct(productId, false, 0, "", 0, "", 0, "");
        }
    }
}
