package dev.boardcqrs.common.catalog;

import dev.boardcqrs.common.redis.KeyScheme;

/**
 * The keys of the catalog display model inside one generation ("{ns}:{gen}:" is the prefix). The projector owns
 * the model whole: no TTL, no read-through, exact by the watermark. Every key of it carries one hash tag, {c}: a
 * change walks a catalog's ancestors and moves whole subtrees' sellable counts in one script, so in a Redis Cluster the
 * whole model must sit in one slot. It is small (a shop's display tree and its products) and changes at the rate
 * people edit it, from one partition in Kafka mode, so one slot carries it easily.
 *
 * <pre>
 * {c}catalog:{catalogId}       hash   parent (id, or "" for a root), linked (1 while the catalog hangs in the tree at
 *                                     parent: its row exists), name, order, sellable (ON_SALE products in its whole
 *                                     subtree). May exist before its own row is seen, created by a product or a
 *                                     child; then it hangs nowhere (detached)
 * {c}catalog:{id}:children     zset   the catalogs whose row names it as parent, scored by display order, members
 *                                     zero-padded ids (ties in id order)
 * {c}catalog:roots             zset   the catalogs whose parent is NULL, likewise
 * {c}catalog:{id}:products     zset   the ON_SALE products of its whole subtree, scored by display order, members
 *                                     zero-padded ids
 * {c}product:{productId}       hash   catalog, name, price, status, order, updatedAt of a product row
 * </pre>
 */
public record CatalogKeys(String prefix) {
    /** The model's one hash tag. */
    public static final String TAG = "{c}";
    private static final String CATALOG = TAG + "catalog:";

    public static CatalogKeys in(KeyScheme generation) {
        return new CatalogKeys(generation.modelPrefix());
    }

    public String catalog(long catalogId) {
        return catalogPrefix() + catalogId;
    }

    /** What every catalog node key starts with; Lua scripts walking the tree append an id (and a suffix). */
    public String catalogPrefix() {
        return prefix + CATALOG;
    }

    public String catalogChildren(long catalogId) {
        return catalog(catalogId) + ":children";
    }

    public String catalogProducts(long catalogId) {
        return catalog(catalogId) + ":products";
    }

    public String catalogRoots() {
        return catalogPrefix() + "roots";
    }

    public String product(long productId) {
        return productPrefix() + productId;
    }

    public String productPrefix() {
        return prefix + TAG + "product:";
    }

    /**
     * Whether {@code keyInGeneration} (what follows "{ns}:{gen}:") is one the displayed tree is read from: a
     * catalog's hash or children, or the roots; not the catalogs' product lists, which change with every product.
     */
    public static boolean isTreeKey(String keyInGeneration) {
        return keyInGeneration != null && keyInGeneration.startsWith(CATALOG) && !keyInGeneration.endsWith(":products");
    }
}
