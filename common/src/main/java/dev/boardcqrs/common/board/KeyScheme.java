package dev.boardcqrs.common.board;

/**
 * The Redis keys of the board query models. cdc-projector writes them, query-api reads them; both build
 * keys only through this class. Every key starts with the namespace, so two deployments (or a rebuild)
 * can share one Redis.
 *
 * <pre>
 * {ns}:article:{articleId}            hash   the article query model ({@link ArticleModel} fields)
 * {ns}:article:{articleId}:comments   set    ids of the article's live (not deleted) comments
 * {ns}:article:{articleId}:likes      set    ids of the article's likes
 * {ns}:board:{boardId}:articles       zset   ids of the board's articles, scored by id (newest = highest)
 *
 * owned by command-api's view feature, not by the query models:
 * {ns}:view:count:{articleId}         string the article's view counter (INCR)
 * {ns}:view:seen:{articleId}:{userId} string present while a user's view of an article is not counted again
 * {ns}:view:unsaved                   set    ids of articles with views not yet backed up to MySQL
 * </pre>
 *
 * The sets are what make the counts exact under redelivery: adding or removing a member twice is the same
 * as doing it once, and the counts in the model are recomputed from the set sizes.
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

    public String articleComments(long articleId) {
        return article(articleId) + ":comments";
    }

    public String articleLikes(long articleId) {
        return article(articleId) + ":likes";
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
        return namespace + ":board:" + boardId + ":articles";
    }
}
