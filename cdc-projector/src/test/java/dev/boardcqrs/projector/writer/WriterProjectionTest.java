package dev.boardcqrs.projector.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.projector.redis.ListGuard;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.RowChange.Operation;
import dev.boardcqrs.projector.source.SourcePosition;
import dev.boardcqrs.projector.writer.WriterProjection.ListChange;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an article row change does to its writers' lists, decided from the row images alone. */
class WriterProjectionTest {
    private static final SourcePosition POSITION = new SourcePosition("bin.000001", 120, 1, 0, null, false, false);

    private final WriterProjection projection = new WriterProjection(1000, ListGuard.OWNER);

    @Test
    void shouldAddANewArticleToItsWritersList() {
        assertThat(projection.plan(change(Operation.CREATE, null, article(5, 9))))
                .containsExactly(new ListChange(9, 5, +1));
        assertThat(projection.plan(change(Operation.READ, null, article(5, 9))))
                .containsExactly(new ListChange(9, 5, +1));
    }

    @Test
    void shouldTakeADeletedArticleOffItsWritersList() {
        assertThat(projection.plan(change(Operation.DELETE, article(5, 9), null)))
                .containsExactly(new ListChange(9, 5, -1));
    }

    @Test
    void shouldMoveAnArticleWhoseWriterChanged() {
        assertThat(projection.plan(change(Operation.UPDATE, article(5, 9), article(5, 11))))
                .containsExactly(new ListChange(9, 5, -1), new ListChange(11, 5, +1));
    }

    @Test
    void shouldMoveAnArticleWhosePrimaryKeyChanged() {
        assertThat(projection.plan(change(Operation.UPDATE, article(5, 9), article(6, 9))))
                .containsExactly(new ListChange(9, 5, -1), new ListChange(9, 6, +1));
    }

    @Test
    void shouldChangeNoListWhenOnlyTheTextChanged() {
        Map<String, Object> edited = article(5, 9);
        edited.put("title", "edited");

        assertThat(projection.plan(change(Operation.UPDATE, article(5, 9), edited))).isEmpty();
    }

    @Test
    void shouldRefuseARowWithoutAWriter() {
        Map<String, Object> orphan = article(5, 9);
        orphan.put("writer_id", null);

        assertThatThrownBy(() -> projection.plan(change(Operation.CREATE, null, orphan)))
                .hasMessageContaining("writer_id is null");
    }

    private static RowChange change(Operation operation, Map<String, Object> before, Map<String, Object> after) {
        return new RowChange("article", operation, before, after, POSITION, 0);
    }

    private static Map<String, Object> article(long id, long writer) {
        Map<String, Object> row = new HashMap<>();
        row.put("article_id", id);
        row.put("board_id", 2L);
        row.put("writer_id", writer);
        row.put("title", "title " + id);
        return row;
    }
}
