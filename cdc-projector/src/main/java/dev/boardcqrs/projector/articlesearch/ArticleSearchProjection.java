package dev.boardcqrs.projector.articlesearch;

import static dev.boardcqrs.projector.source.RowChange.number;

import dev.boardcqrs.common.search.ArticleSearchIndex;
import dev.boardcqrs.common.source.Timestamps;
import dev.boardcqrs.projector.search.SearchProjection;
import dev.boardcqrs.projector.search.SearchWrite;
import dev.boardcqrs.projector.source.RowChange;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The article search read model: one document per article row with the fields a search matches and filters on
 * ({@link ArticleSearchIndex}); a deleted row leaves a tombstone. Counts stay out (query-api takes them from the
 * article models). Decided from the article row's images alone.
 */
public final class ArticleSearchProjection implements SearchProjection {

    @Override
    public String name() {
        return "article-search";
    }

    @Override
    public List<String> tables() {
        return List.of("article");
    }

    @Override
    public String index() {
        return ArticleSearchIndex.NAME;
    }

    @Override
    public String definition() {
        return ArticleSearchIndex.definition();
    }

    @Override
    public List<SearchWrite> plan(RowChange change) {
        Map<String, Object> before = change.before();
        Map<String, Object> after = change.after();
        List<SearchWrite> writes = new ArrayList<>(2);
        if (before != null && (after == null || number(before, "article_id") != number(after, "article_id"))) {
            // deleted, or its primary key changed with plain SQL: the old id is gone
            writes.add(SearchWrite.delete(Long.toString(number(before, "article_id"))));
        }
        if (after != null) {
            writes.add(new SearchWrite(Long.toString(number(after, "article_id")), document(after)));
        }
        return writes;
    }

    private static Map<String, Object> document(Map<String, Object> row) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put(ArticleSearchIndex.ARTICLE_ID, number(row, "article_id"));
        document.put(ArticleSearchIndex.BOARD_ID, number(row, "board_id"));
        document.put(ArticleSearchIndex.WRITER_ID, number(row, "writer_id"));
        document.put(ArticleSearchIndex.TITLE, text(row, "title"));
        document.put(ArticleSearchIndex.CONTENT, text(row, "content"));
        document.put(ArticleSearchIndex.CREATED_AT, Timestamps.format((LocalDateTime) row.get("created_at")));
        document.put(ArticleSearchIndex.MODIFIED_AT, Timestamps.format((LocalDateTime) row.get("modified_at")));
        return document;
    }

    private static String text(Map<String, Object> row, String column) {
        Object value = row.get(column);
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException("column " + column + " is " + (value == null ? "null" : "not text"));
        }
        return text;
    }
}
