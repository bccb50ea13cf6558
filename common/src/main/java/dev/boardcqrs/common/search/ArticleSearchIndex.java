package dev.boardcqrs.common.search;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The article search index as the projector writes it and query-api reads it: one document per article id
 * (articleId, boardId, writerId, title, content, createdAt, modifiedAt), and for a deleted article a tombstone
 * ({@code deleted: true}, {@code deletedVersion}) that keeps the delete's version, which queries leave out. Counts stay out: they change far
 * more often and come from the article models. Title and content are analyzed as Korean (CJK bigrams, so "검색"
 * finds "검색엔진을") and English (lower case, stemmed): {@code search/articles.json}.
 */
public final class ArticleSearchIndex {
    /** The index's name within a namespace: {@link SearchIndexes} adds the namespace and the generation. */
    public static final String NAME = "articles";
    public static final String ARTICLE_ID = "articleId";
    public static final String BOARD_ID = "boardId";
    public static final String WRITER_ID = "writerId";
    public static final String TITLE = "title";
    public static final String CONTENT = "content";
    public static final String CREATED_AT = "createdAt";
    public static final String MODIFIED_AT = "modifiedAt";
    public static final String DELETED = "deleted";
    /** A tombstone's version, queryable (a document's own version is not), so old tombstones can be purged. */
    public static final String DELETED_VERSION = "deletedVersion";

    private ArticleSearchIndex() {
    }

    /** The index's settings and mappings, the body of its creation. */
    public static String definition() {
        try (InputStream in = ArticleSearchIndex.class.getClassLoader().getResourceAsStream("search/articles.json")) {
            if (in == null) {
                throw new IllegalStateException("search/articles.json is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
