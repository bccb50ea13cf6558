package dev.boardcqrs.common.writer;

import dev.boardcqrs.common.redis.KeyScheme;

/**
 * The keys of the "articles by writer" read model inside one generation ("{ns}:{gen}:" is the prefix): each writer's
 * counted list of articles, kept like a board's.
 *
 * <pre>
 * writer:{writerId}            hash   count (the writer's articles) and _pos; in Kafka mode m:{articleId} per
 *                                     article instead of _pos, as a board's
 * writer:{writerId}:articles   zset   ids of the writer's newest articles (up to the list length), scored by id;
 *                                     older pages come from SQL
 * </pre>
 */
public record WriterKeys(String prefix) {
    /** What a writer's key has after "{ns}:{gen}:", before the writer's id. */
    public static final String WRITER = "writer:";

    public static WriterKeys in(KeyScheme generation) {
        return new WriterKeys(generation.modelPrefix());
    }

    public String writer(long writerId) {
        return prefix + WRITER + writerId;
    }

    public String writerArticles(long writerId) {
        return writer(writerId) + ":articles";
    }
}
