package dev.boardcqrs.common.view;

import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;

/**
 * The keys of command-api's view counters. They belong to the namespace, not to a generation of the query
 * models, so they outlive a rebuild.
 *
 * <pre>
 * {ns}:view:count:{a:articleId}       string the article's view counter (INCR), under the article's hash tag, so a
 *                                            Redis Cluster keeps it in the slot of the article's model
 * {ns}:view:seen:{articleId}:{userId} string present while a user's view of an article is not counted again
 * {ns}:view:unsaved                   set    ids of articles with views not yet backed up to the database
 * </pre>
 */
public record ViewKeys(KeyScheme namespace) {
    /** What a view counter's key has after "{ns}:". */
    public static final String COUNT = "view:count:";

    public ViewKeys(String namespace) {
        this(new KeyScheme(namespace));
    }

    public String viewCount(long articleId) {
        return viewCountPrefix() + KeyScheme.tag(BoardKeys.ARTICLE, articleId);
    }

    /** What every view counter key starts with. */
    public String viewCountPrefix() {
        return namespace.own(COUNT);
    }

    public String viewSeen(long articleId, long userId) {
        return namespace.own("view:seen:" + articleId + ":" + userId);
    }

    public String viewsUnsaved() {
        return namespace.own("view:unsaved");
    }

    /** The article whose view counter {@code key} is; null for any other key. The inverse of {@link #viewCount}. */
    public Long articleOfViewCount(String key) {
        return key.startsWith(viewCountPrefix())
                ? KeyScheme.idOfTag(key.substring(viewCountPrefix().length()), BoardKeys.ARTICLE) : null;
    }
}
