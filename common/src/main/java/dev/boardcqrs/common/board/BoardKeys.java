package dev.boardcqrs.common.board;

import dev.boardcqrs.common.redis.KeyScheme;

/**
 * The keys of the board read model inside one generation ("{ns}:{gen}:" is the prefix). cdc-projector writes
 * them, query-api reads them; the Lua scripts of both append the same suffixes. Each key carries its article's,
 * board's hash tag ({@link KeyScheme#tag}), so what one script touches shares one slot of a Redis Cluster.
 *
 * <pre>
 * {a:articleId}          hash   the article query model ({@link ArticleModel} fields) and _pos, the position of the
 *                               last change it contains; expires (TTL)
 * {a:articleId}:missed   string position of a change that found no model (expires in 60 s)
 * {b:boardId}            hash   count (the board's articles) and _pos; in Kafka mode instead of _pos, per article
 *                               m:{articleId}: '+' (in) or '-' (left) and its last change's position
 * {b:boardId}:articles   zset   ids of the board's newest articles (up to the list length), scored by id; older
 *                               pages come from SQL
 * </pre>
 */
public record BoardKeys(String prefix) {
    /** The hash tag kinds: an article's keys, a board's. */
    public static final String ARTICLE = "a";
    public static final String BOARD = "b";
    /** What a counted list adds to its owner's key. */
    public static final String LIST = ":articles";

    public static BoardKeys in(KeyScheme generation) {
        return new BoardKeys(generation.modelPrefix());
    }

    public String article(long articleId) {
        return prefix + KeyScheme.tag(ARTICLE, articleId);
    }

    /** What every article model key starts with. */
    public String articlePrefix() {
        return prefix + "{" + ARTICLE + ":";
    }

    /** Set for a minute when a change to the article found no model (see the read-through in query-api). */
    public String articleMissed(long articleId) {
        return article(articleId) + ":missed";
    }

    public String board(long boardId) {
        return prefix + owner(boardId);
    }

    /** A board's key in a generation ("{b:7}"), the prefix of its list's. */
    public static String owner(long boardId) {
        return KeyScheme.tag(BOARD, boardId);
    }

    public String boardArticles(long boardId) {
        return board(boardId) + LIST;
    }

    /**
     * The article whose model {@code keyInGeneration} (what follows "{ns}:{gen}:") is; null for any other key,
     * such as the article's missed-change marker. The inverse of {@link #article}.
     */
    public static Long articleOfModel(String keyInGeneration) {
        return KeyScheme.idOfTag(keyInGeneration, ARTICLE);
    }
}
