package dev.boardcqrs.common.board;

import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis keys of the board query models. cdc-projector writes them, query-api reads them; both build
 * keys only through this class (and the Lua scripts, which append the same suffixes to {@link #modelPrefix()}).
 * Every key starts with the namespace, so two deployments can share one Redis. The query models live in a
 * generation inside it: a rebuild fills a new generation while the active one keeps serving, then switches
 * the {@code active} pointer in one step and removes the old generation.
 *
 * <pre>
 * {ns}:active                         string the generation readers use (g1, g2, ...); absent: readers use SQL
 * {ns}:rebuilding                     string the generation a rebuild is filling, while it runs
 * {ns}:generations                    string counter naming new generations (INCR)
 * {ns}:retired                        set    generations no longer used whose keys are still being removed
 *
 * {ns}:{gen}:meta                     hash   watermark (position of the last applied batch), building (1 while
 *                                            a snapshot fills an active generation: readers must use SQL meanwhile)
 * {ns}:{gen}:article:{articleId}      hash   the article query model ({@link ArticleModel} fields) and _pos,
 *                                            the position of the last change it contains; expires (TTL)
 * {ns}:{gen}:article:{articleId}:missed string position of a change that found no model (expires in 60 s)
 * {ns}:{gen}:board:{boardId}          hash   count (the board's articles) and _pos
 * {ns}:{gen}:board:{boardId}:articles zset   ids of the board's newest articles (up to the list length),
 *                                            scored by id; older pages come from SQL
 *
 * the catalog display model (owned whole by cdc-projector: no TTL, no read-through, exact by the watermark):
 * {ns}:{gen}:catalog:{catalogId}      hash   parent (id, or "" for a root), linked (1 while the catalog hangs in
 *                                            the tree at parent: its row exists), name, order, sellable (ON_SALE
 *                                            products in its whole subtree). May exist before its own row is seen,
 *                                            created by a product or a child; then it hangs nowhere (detached)
 * {ns}:{gen}:catalog:{catalogId}:children zset   the catalogs whose row names it as parent, scored by display order,
 *                                            members zero-padded ids (ties in id order)
 * {ns}:{gen}:catalog:roots            zset   the catalogs whose parent is NULL, likewise
 * {ns}:{gen}:catalog:{catalogId}:products zset   the ON_SALE products of its whole subtree, scored by display order,
 *                                            members zero-padded ids
 * {ns}:{gen}:product:{productId}      hash   catalog, name, price, status, order, updatedAt of a product row
 *
 * {ns}:deadletters                   stream changes the projector could not apply, with the error and position;
 *                                            kept across rebuilds (see cdc-projector's dead letters)
 *
 * owned by command-api's view feature, not by the query models, so they outlive a rebuild:
 * {ns}:view:count:{articleId}         string the article's view counter (INCR)
 * {ns}:view:seen:{articleId}:{userId} string present while a user's view of an article is not counted again
 * {ns}:view:unsaved                   set    ids of articles with views not yet backed up to MySQL
 * </pre>
 *
 * Positions ({@code _pos}, watermark) are binlog positions as sortable text, so a change that a model
 * already contains (delivered twice, or read from SQL when the model was rebuilt) is skipped.
 * {@code generation} is null for a scheme that only names the namespace's own keys; the model keys need one.
 */
public record KeyScheme(String namespace, String generation) {
    public static final String DEFAULT_NAMESPACE = "cqrs";

    public KeyScheme {
        if (namespace == null || !namespace.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException(
                    "namespace must be 1-64 letters, digits, '_', '.' or '-', but was '" + namespace + "'");
        }
        if (generation != null && !generation.matches("g[0-9]{1,18}")) {
            throw new IllegalArgumentException("a generation is g1, g2, ..., but was '" + generation + "'");
        }
    }

    /** The namespace's own keys (active pointer, views); model keys need {@link #inGeneration}. */
    public KeyScheme(String namespace) {
        this(namespace, null);
    }

    public KeyScheme inGeneration(String generation) {
        return new KeyScheme(namespace, generation);
    }

    /** The keys of the generation readers use now; empty before the projector made one. */
    public Optional<KeyScheme> activeIn(UnifiedJedis redis) {
        return Optional.ofNullable(redis.get(active())).map(this::inGeneration);
    }

    public String active() {
        return namespace + ":active";
    }

    public String rebuilding() {
        return namespace + ":rebuilding";
    }

    public String retired() {
        return namespace + ":retired";
    }

    public String generations() {
        return namespace + ":generations";
    }

    /** What every model key of the generation starts with: "{ns}:{gen}:". */
    public String modelPrefix() {
        if (generation == null) {
            throw new IllegalStateException("model keys need a generation: use inGeneration()");
        }
        return namespace + ":" + generation + ":";
    }

    public String article(long articleId) {
        return articlePrefix() + articleId;
    }

    /** What every article model key starts with; Lua scripts append the id. */
    public String articlePrefix() {
        return modelPrefix() + "article:";
    }

    /** Set for a minute when a change to the article found no model (see the read-through in query-api). */
    public String articleMissed(long articleId) {
        return article(articleId) + ":missed";
    }

    public String meta() {
        return modelPrefix() + "meta";
    }

    public String board(long boardId) {
        return modelPrefix() + "board:" + boardId;
    }

    public String viewCount(long articleId) {
        return viewCountPrefix() + articleId;
    }

    /** What every view counter key starts with. */
    public String viewCountPrefix() {
        return namespace + ":view:count:";
    }

    /** What the model keys of every generation start with: "{ns}:g". */
    public String generationsPrefix() {
        return namespace + ":g";
    }

    /**
     * The article whose model key (in any generation) {@code key} is; null for any other key. The inverse of
     * {@link #article}, for those told which keys changed.
     */
    public Long articleOfModel(String key) {
        String inGeneration = inAnyGeneration(key);
        return inGeneration != null && inGeneration.startsWith("article:")
                ? id(inGeneration.substring("article:".length())) : null;
    }

    /** The article whose view counter {@code key} is; null for any other key. The inverse of {@link #viewCount}. */
    public Long articleOfViewCount(String key) {
        return key.startsWith(viewCountPrefix()) ? id(key.substring(viewCountPrefix().length())) : null;
    }

    // null for anything but digits, such as the rest of another key of the article (its missed-change marker)
    private static Long id(String text) {
        if (text.isEmpty() || text.length() > 18) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return null;
            }
        }
        return Long.parseLong(text);
    }

    /**
     * Whether {@code key} (in any generation) is one the displayed catalog tree is read from: a catalog's hash
     * or children, or the roots; not the catalogs' product lists, which change with every product.
     */
    public boolean isCatalogTreeKey(String key) {
        String inGeneration = inAnyGeneration(key);
        return inGeneration != null && inGeneration.startsWith("catalog:") && !inGeneration.endsWith(":products");
    }

    /** What follows "{ns}:{gen}:" in a key of any generation of this namespace; null for any other key. */
    private String inAnyGeneration(String key) {
        if (!key.startsWith(generationsPrefix())) {
            return null;
        }
        int generationEnd = key.indexOf(':', namespace.length() + 1);
        return generationEnd < 0 ? null : key.substring(generationEnd + 1);
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
        return modelPrefix() + "catalog:";
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
        return modelPrefix() + "product:";
    }

    /** Changes the projector could not apply; belongs to the namespace, not to a generation of the models. */
    public String deadLetters() {
        return namespace + ":deadletters";
    }

    /** A pattern matching every key of this generation, for SCAN. */
    public String everything() {
        return modelPrefix() + "*";
    }
}
