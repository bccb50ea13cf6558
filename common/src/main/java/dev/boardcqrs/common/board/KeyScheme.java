package dev.boardcqrs.common.board;

/**
 * The Redis keys of the board query models. cdc-projector writes them, query-api reads them; both build
 * keys only through this class. Every key starts with the namespace, so two deployments (or a rebuild)
 * can share one Redis.
 *
 * <pre>
 * {ns}:meta                          hash   watermark (position of the last applied batch), building (1 while
 *                                            a snapshot fills the namespace: readers must use SQL meanwhile)
 * {ns}:article:{articleId}            hash   the article query model ({@link ArticleModel} fields) and _pos,
 *                                            the position of the last change it contains; expires (TTL)
 * {ns}:article:{articleId}:missed     string position of a change that found no model (expires in 60 s)
 * {ns}:board:{boardId}                hash   count (the board's articles) and _pos
 * {ns}:board:{boardId}:articles       zset   ids of the board's newest articles (up to the list length),
 *                                            scored by id; older pages come from SQL
 *
 * the catalog display model (owned whole by cdc-projector: no TTL, no read-through, exact by the watermark):
 * {ns}:catalog:{catalogId}            hash   parent (id, or "" for a root), linked (1 while the catalog hangs in
 *                                            the tree at parent: its row exists), name, order, sellable (ON_SALE
 *                                            products in its whole subtree). May exist before its own row is seen,
 *                                            created by a product or a child; then it hangs nowhere (detached)
 * {ns}:catalog:{catalogId}:children   zset   the catalogs whose row names it as parent, scored by display order,
 *                                            members zero-padded ids (ties in id order)
 * {ns}:catalog:roots                  zset   the catalogs whose parent is NULL, likewise
 * {ns}:catalog:{catalogId}:products   zset   the ON_SALE products of its whole subtree, scored by display order,
 *                                            members zero-padded ids
 * {ns}:product:{productId}            hash   catalog, name, price, status, order, updatedAt of a product row
 *
 * owned by command-api's view feature, not by the query models:
 * {ns}:view:count:{articleId}         string the article's view counter (INCR)
 * {ns}:view:seen:{articleId}:{userId} string present while a user's view of an article is not counted again
 * {ns}:view:unsaved                   set    ids of articles with views not yet backed up to MySQL
 * </pre>
 *
 * Positions ({@code _pos}, watermark) are binlog positions as sortable text, so a change that a model
 * already contains (delivered twice, or read from SQL when the model was rebuilt) is skipped.
 */
public record KeyScheme(String namespace) {
    public static final String DEFAULT_NAMESPACE = "cqrs";

    public KeyScheme {
        if (namespace == null || !namespace.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException(
                    "namespace must be 1-64 letters, digits, '_', '.' or '-', but was '" + namespace + "'");
        }
    }

    public String article(long articleId) {
        return articlePrefix() + articleId;
    }

    /** What every article model key starts with; Lua scripts append the id. */
    public String articlePrefix() {
        return namespace + ":article:";
    }

    /** Set for a minute when a change to the article found no model (see the read-through in query-api). */
    public String articleMissed(long articleId) {
        return article(articleId) + ":missed";
    }

    public String meta() {
        return namespace + ":meta";
    }

    public String board(long boardId) {
        return namespace + ":board:" + boardId;
    }

    public String viewCount(long articleId) {
        return namespace + ":view:count:" + articleId;
    }

    public String viewSeen(long articleId, long userId) {
        return namespace + ":view:seen:" + articleId + ":" + userId;
    }

    public String viewsUnsaved() {
        return namespace + ":view:unsaved";
    }

    public String boardArticles(long boardId) {
        return board(boardId) + ":articles";
    }

    public String catalog(long catalogId) {
        return catalogPrefix() + catalogId;
    }

    /** What every catalog node key starts with; Lua scripts walking the tree append an id (and a suffix). */
    public String catalogPrefix() {
        return namespace + ":catalog:";
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
        return namespace + ":product:";
    }

    /** A pattern matching every key of this namespace, for SCAN. */
    public String everything() {
        return namespace + ":*";
    }
}
