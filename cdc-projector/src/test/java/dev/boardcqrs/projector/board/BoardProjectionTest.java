package dev.boardcqrs.projector.board;

import static org.assertj.core.api.Assertions.assertThat;

import dev.boardcqrs.projector.board.BoardWrite.CountChange;
import dev.boardcqrs.projector.board.BoardWrite.Kind;
import dev.boardcqrs.projector.board.BoardWrite.PutArticle;
import dev.boardcqrs.projector.board.BoardWrite.RemoveArticle;
import dev.boardcqrs.projector.redis.ListGuard;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.RowChange.Operation;
import dev.boardcqrs.projector.source.SourcePosition;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BoardProjectionTest {
    private static final SourcePosition POSITION = new SourcePosition("bin.000001", 120, 1, 0, null, false, false);
    private static final LocalDateTime CREATED = LocalDateTime.of(2026, 11, 24, 9, 30, 0, 120_000_000);

    private final BoardProjection projection = new BoardProjection(Duration.ofDays(1), 1000, ListGuard.OWNER);

    @Test
    void shouldWriteTheWholeModelWhenAnArticleIsInserted() {
        List<BoardWrite> ops = projection.plan(change("article", Operation.CREATE, null, article(5, 2)));

        assertThat(ops).hasSize(1);
        PutArticle put = (PutArticle) ops.get(0);
        assertThat(put.articleId()).isEqualTo(5);
        assertThat(put.boardId()).isEqualTo(2);
        assertThat(put.previousBoardId()).isNull();
        assertThat(put.created()).isTrue();
        assertThat(put.fields()).containsEntry("title", "title 5").containsEntry("writerId", "9")
                .containsEntry("createdAt", "2026-11-24T09:30:00.120").doesNotContainKey("commentCount");
    }

    @Test
    void shouldTreatASnapshotReadLikeAnInsert() {
        PutArticle put = (PutArticle) projection.plan(change("article", Operation.READ, null, article(5, 2))).get(0);

        assertThat(put.created()).as("the board gains it and a missing model is created").isTrue();
        assertThat(put.previousBoardId()).isNull();
        assertThat(put.fields()).containsEntry("articleId", "5").containsEntry("boardId", "2");
    }

    @Test
    void shouldRememberThePreviousBoardWhenAnArticleMoves() {
        PutArticle put = (PutArticle) projection.plan(change("article", Operation.UPDATE, article(5, 2), article(5, 3))).get(0);

        assertThat(put.boardId()).isEqualTo(3);
        assertThat(put.previousBoardId()).isEqualTo(2);
        assertThat(put.created()).isFalse();
        assertThat(put.fields()).as("what the move changed").containsExactly(Map.entry("boardId", "3"));
    }

    @Test
    void shouldWriteOnlyTheColumnsAnUpdateChanged() {
        Map<String, Object> edited = article(5, 2);
        edited.put("title", "a new title");
        edited.put("content", null);

        PutArticle put = (PutArticle) projection.plan(change("article", Operation.UPDATE, article(5, 2), edited)).get(0);

        assertThat(put.fields()).containsOnly(Map.entry("title", "a new title"), new java.util.AbstractMap
                .SimpleEntry<>("content", null));
    }

    @Test
    void shouldTakeAnUpdateThatRepairsAColumnTheModelCannotBeWithout() {
        Map<String, Object> broken = article(5, 2);
        broken.put("writer_id", null);

        PutArticle put = (PutArticle) projection.plan(change("article", Operation.UPDATE, broken, article(5, 2))).get(0);

        assertThat(put.fields()).containsOnly(Map.entry("writerId", "9"));
    }

    @Test
    void shouldWriteTheWholeModelWhenThePrimaryKeyChanges() {
        List<BoardWrite> ops = projection.plan(change("article", Operation.UPDATE, article(5, 2), article(6, 2)));

        assertThat(((PutArticle) ops.get(1)).fields()).as("a new model").containsKeys("articleId", "boardId",
                "writerId", "title", "content", "createdAt", "modifiedAt");
    }

    @Test
    void shouldRemoveTheModelWhenAnArticleIsDeleted() {
        assertThat(projection.plan(change("article", Operation.DELETE, article(5, 2), null)))
                .containsExactly(new RemoveArticle(5, 2));
    }

    @Test
    void shouldCountAnInsertedCommentOnItsArticle() {
        assertThat(projection.plan(change("comment", Operation.CREATE, null, comment(70, 5, false))))
                .containsExactly(new CountChange(Kind.COMMENT, 5, +1));
    }

    @Test
    void shouldStopCountingASoftDeletedCommentAndCountItAgainWhenRestored() {
        assertThat(projection.plan(change("comment", Operation.UPDATE, comment(70, 5, false), comment(70, 5, true))))
                .containsExactly(new CountChange(Kind.COMMENT, 5, -1));
        assertThat(projection.plan(change("comment", Operation.UPDATE, comment(70, 5, true), comment(70, 5, false))))
                .containsExactly(new CountChange(Kind.COMMENT, 5, +1));
    }

    @Test
    void shouldReadANumericDeletedFlagAsBoolean() {
        Map<String, Object> deleted = comment(70, 5, false);
        deleted.put("deleted", 1L);

        assertThat(projection.plan(change("comment", Operation.CREATE, null, deleted))).isEmpty();
    }

    @Test
    void shouldMoveACommentBetweenArticlesWithoutLosingIt() {
        assertThat(projection.plan(change("comment", Operation.UPDATE, comment(70, 5, false), comment(70, 6, false))))
                .containsExactly(new CountChange(Kind.COMMENT, 5, -1), new CountChange(Kind.COMMENT, 6, +1));
    }

    @Test
    void shouldChangeNoCountWhenOnlyACommentsContentChanged() {
        Map<String, Object> edited = comment(70, 5, false);
        edited.put("content", "edited");

        assertThat(projection.plan(change("comment", Operation.UPDATE, comment(70, 5, false), edited))).isEmpty();
    }

    @Test
    void shouldUncountADeletedCommentOrLike() {
        assertThat(projection.plan(change("comment", Operation.DELETE, comment(70, 5, false), null)))
                .containsExactly(new CountChange(Kind.COMMENT, 5, -1));
        assertThat(projection.plan(change("comment", Operation.DELETE, comment(70, 5, true), null))).isEmpty();
        assertThat(projection.plan(change("article_like", Operation.DELETE, like(8, 5), null)))
                .containsExactly(new CountChange(Kind.LIKE, 5, -1));
    }

    @Test
    void shouldCountAnInsertedLike() {
        assertThat(projection.plan(change("article_like", Operation.CREATE, null, like(8, 5))))
                .containsExactly(new CountChange(Kind.LIKE, 5, +1));
    }

    @Test
    void shouldIgnoreTablesItDoesNotProject() {
        assertThat(projection.plan(change("audit_log", Operation.CREATE, null, Map.of("id", 1L)))).isEmpty();
    }

    private static RowChange change(String table, Operation operation, Map<String, Object> before, Map<String, Object> after) {
        return new RowChange(table, operation, before, after, POSITION, 0);
    }

    private static Map<String, Object> article(long id, long board) {
        Map<String, Object> row = new HashMap<>();
        row.put("article_id", id);
        row.put("board_id", board);
        row.put("writer_id", 9L);
        row.put("title", "title " + id);
        row.put("content", "content");
        row.put("created_at", CREATED);
        row.put("modified_at", CREATED);
        return row;
    }

    private static Map<String, Object> comment(long id, long articleId, boolean deleted) {
        Map<String, Object> row = new HashMap<>();
        row.put("comment_id", id);
        row.put("article_id", articleId);
        row.put("parent_comment_id", null);
        row.put("writer_id", 3L);
        row.put("content", "nice");
        row.put("deleted", deleted);
        row.put("created_at", CREATED);
        return row;
    }

    private static Map<String, Object> like(long id, long articleId) {
        return new HashMap<>(Map.of("article_like_id", id, "article_id", articleId, "user_id", 4L, "created_at", CREATED));
    }
}
