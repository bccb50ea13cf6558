package dev.boardcqrs.projector.articlesearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.projector.search.SearchWrite;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.RowChange.Operation;
import dev.boardcqrs.projector.source.SourcePosition;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The documents an article row change writes, decided from the row images alone. */
class ArticleSearchProjectionTest {
    private static final SourcePosition POSITION = new SourcePosition("bin.000001", 120, 1, 0, null, false, false);

    private final ArticleSearchProjection projection = new ArticleSearchProjection();

    @Test
    void shouldWriteTheArticlesSearchableFieldsWithoutCounts() {
        List<SearchWrite> writes = projection.plan(change(Operation.CREATE, null, article(5, 2)));

        assertThat(writes).hasSize(1);
        assertThat(writes.get(0).id()).isEqualTo("5");
        assertThat(writes.get(0).document()).containsExactlyEntriesOf(new java.util.LinkedHashMap<>(Map.of()) {{
            put("articleId", 5L);
            put("boardId", 2L);
            put("writerId", 9L);
            put("title", "검색엔진을 고른다");
            put("content", "Running searches");
            put("createdAt", "2026-11-24T22:36:23.120");
            put("modifiedAt", "2026-11-24T22:36:23.120");
        }});
    }

    @Test
    void shouldLeaveATombstoneForADeletedArticle() {
        assertThat(projection.plan(change(Operation.DELETE, article(5, 2), null)))
                .containsExactly(SearchWrite.delete("5"));
    }

    @Test
    void shouldReplaceTheDocumentOfAnArticleMovedToAnotherBoard() {
        List<SearchWrite> writes = projection.plan(change(Operation.UPDATE, article(5, 2), article(5, 3)));

        assertThat(writes).hasSize(1);
        assertThat(writes.get(0).document()).containsEntry("boardId", 3L);
    }

    @Test
    void shouldTombstoneTheOldIdWhenThePrimaryKeyChanged() {
        List<SearchWrite> writes = projection.plan(change(Operation.UPDATE, article(5, 2), article(6, 2)));

        assertThat(writes).extracting(SearchWrite::id).containsExactly("5", "6");
        assertThat(writes.get(0).isDelete()).isTrue();
        assertThat(writes.get(1).isDelete()).isFalse();
    }

    @Test
    void shouldRefuseARowWithoutATitle() {
        Map<String, Object> row = article(5, 2);
        row.put("title", null);

        assertThatThrownBy(() -> projection.plan(change(Operation.CREATE, null, row)))
                .hasMessageContaining("title is null");
    }

    private static Map<String, Object> article(long articleId, long boardId) {
        Map<String, Object> row = new HashMap<>();
        row.put("article_id", articleId);
        row.put("board_id", boardId);
        row.put("writer_id", 9L);
        row.put("title", "검색엔진을 고른다");
        row.put("content", "Running searches");
        row.put("created_at", LocalDateTime.parse("2026-11-24T22:36:23.120"));
        row.put("modified_at", LocalDateTime.parse("2026-11-24T22:36:23.120"));
        return row;
    }

    private static RowChange change(Operation operation, Map<String, Object> before, Map<String, Object> after) {
        return new RowChange("article", operation, before, after, POSITION, 0);
    }
}
