package dev.boardcqrs.common.writer;

import dev.boardcqrs.common.redis.KeyScheme;

/**
 * The keys of the "articles by writer" read model inside one generation ("{ns}:{gen}:" is the prefix): each writer's
 * counted list of articles, kept like a board's, under the writer's hash tag.
 *
 * <pre>
 * {w:writerId}            hash   count (the writer's articles) and _pos; in Kafka mode m:{articleId} per article
 *                                instead of _pos, as a board's
 * {w:writerId}:articles   zset   ids of the writer's newest articles (up to the list length), scored by id; older
 *                                pages come from SQL
 * </pre>
 */
public record WriterKeys(String prefix) {
    /** The hash tag kind of a writer's keys. */
    public static final String WRITER = "w";

    public static WriterKeys in(KeyScheme generation) {
        return new WriterKeys(generation.modelPrefix());
    }

    public String writer(long writerId) {
        return prefix + owner(writerId);
    }

    /** A writer's key in a generation ("{w:7}"), the prefix of its list's. */
    public static String owner(long writerId) {
        return KeyScheme.tag(WRITER, writerId);
    }

    public String writerArticles(long writerId) {
        return writer(writerId) + ":articles";
    }
}
