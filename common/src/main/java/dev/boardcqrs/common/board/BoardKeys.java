package dev.boardcqrs.common.board;

import dev.boardcqrs.common.redis.KeyScheme;

/**
 * The keys of the board read model inside one generation ("{ns}:{gen}:" is the prefix). cdc-projector writes
 * them, query-api reads them; the Lua scripts of both append the same suffixes.
 *
 * <pre>
 * article:{articleId}          hash   the article query model ({@link ArticleModel} fields) and _pos, the position
 *                                     of the last change it contains; expires (TTL)
 * article:{articleId}:missed   string position of a change that found no model (expires in 60 s)
 * board:{boardId}              hash   count (the board's articles) and _pos; in Kafka mode instead of _pos, per
 *                                     article m:{articleId}: '+' (in) or '-' (left) and its last change's position
 * board:{boardId}:articles     zset   ids of the board's newest articles (up to the list length), scored by id;
 *                                     older pages come from SQL
 * </pre>
 */
public record BoardKeys(String prefix) {
    public static final String ARTICLE = "article:";
    public static final String BOARD = "board:";
    /** What a counted list adds to its owner's key. */
    public static final String LIST = ":articles";

    public static BoardKeys in(KeyScheme generation) {
        return new BoardKeys(generation.modelPrefix());
    }

    public String article(long articleId) {
        return articlePrefix() + articleId;
    }

    /** What every article model key starts with; Lua scripts append the id. */
    public String articlePrefix() {
        return prefix + ARTICLE;
    }

    /** Set for a minute when a change to the article found no model (see the read-through in query-api). */
    public String articleMissed(long articleId) {
        return article(articleId) + ":missed";
    }

    public String board(long boardId) {
        return prefix + BOARD + boardId;
    }

    public String boardArticles(long boardId) {
        return board(boardId) + LIST;
    }

    /**
     * The article whose model {@code keyInGeneration} (what follows "{ns}:{gen}:") is; null for any other key,
     * such as the article's missed-change marker. The inverse of {@link #article}.
     */
    public static Long articleOfModel(String keyInGeneration) {
        return keyInGeneration != null && keyInGeneration.startsWith(ARTICLE)
                ? KeyScheme.id(keyInGeneration.substring(ARTICLE.length())) : null;
    }
}
