package dev.boardcqrs.projector.source.debezium;

import static dev.boardcqrs.projector.source.debezium.CommentEnvelopes.ENVELOPE;
import static dev.boardcqrs.projector.source.debezium.CommentEnvelopes.SOURCE;
import static dev.boardcqrs.projector.source.debezium.CommentEnvelopes.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.SourcePosition;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** Builds records shaped like Debezium's MySQL/MariaDB envelopes and checks what the projection gets. */
class RowChangesTest {

    @Test
    void shouldReadAnUpdateWithBothImagesPositionAndNormalisedValues() {
        Struct before = row(1, (short) 0);
        Struct after = row(1, (short) 1);
        Struct source = new Struct(SOURCE).put("table", "comment").put("file", "bin.000003").put("pos", 4711L)
                .put("row", 2).put("gtid", "0-1-42").put("snapshot", "false").put("ts_ms", 1_700_000_000_000L);
        Struct value = new Struct(ENVELOPE).put("before", before).put("after", after).put("source", source).put("op", "u");

        RowChange change = RowChanges.from(record(value, Map.of("file", "bin.000003", "pos", 4600L, "event", 3L, "row", 2)))
                .orElseThrow();

        assertThat(change.table()).isEqualTo("comment");
        assertThat(change.operation()).isEqualTo(RowChange.Operation.UPDATE);
        assertThat(change.before()).containsEntry("deleted", 0L);
        assertThat(change.after()).containsEntry("deleted", 1L).containsEntry("comment_id", 1L)
                .containsEntry("created_at", LocalDateTime.of(2026, 11, 24, 10, 0, 0, 250_000_000));
        assertThat(change.position()).as("the offset, unique per change, not the event's position")
                .isEqualTo(new SourcePosition("bin.000003", 4600, 3, 2, "0-1-42", false, false));
        assertThat(change.sourceTimeMillis()).isEqualTo(1_700_000_000_000L);
    }

    @Test
    void shouldMarkSnapshotRows() {
        Struct source = new Struct(SOURCE).put("table", "comment").put("file", "bin.000001").put("pos", 4L)
                .put("snapshot", "last").put("ts_ms", 0L);
        Struct value = new Struct(ENVELOPE).put("after", row(1, (short) 0)).put("source", source).put("op", "r");

        RowChange change = RowChanges.from(record(value, Map.of())).orElseThrow();

        assertThat(change.operation()).isEqualTo(RowChange.Operation.READ);
        assertThat(change.before()).isNull();
        assertThat(change.position().snapshot()).isTrue();
        assertThat(change.position().lastOfSnapshot()).isTrue();
    }

    @Test
    void shouldOrderTheNewKeyOfAPrimaryKeyChangeAfterTheOldKeyAtTheSameOffset() {
        Map<String, ?> offset = Map.of("file", "bin.000003", "pos", 4600L, "event", 1L, "row", 0);
        Struct source = new Struct(SOURCE).put("table", "comment").put("file", "bin.000003").put("pos", 4711L)
                .put("ts_ms", 0L);
        SourceRecord deleted = record(new Struct(ENVELOPE).put("before", row(1, (short) 0)).put("source", source)
                .put("op", "d"), offset);
        SourceRecord created = record(new Struct(ENVELOPE).put("after", row(2, (short) 0)).put("source", source)
                .put("op", "c"), offset);
        created.headers().addLong("__debezium.oldkey", 1L);
        String next = new SourcePosition("bin.000003", 4600, 1, 1, null, false, false).sortKey();

        String oldKey = RowChanges.from(deleted).orElseThrow().position().sortKey();
        String newKey = RowChanges.from(created).orElseThrow().position().sortKey();

        assertThat(List.of(oldKey, newKey, next)).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void shouldGiveNothingForTombstones() {
        assertThat(RowChanges.from(record(null, Map.of()))).isEmpty();
    }

    private static SourceRecord record(Struct value, Map<String, ?> offset) {
        return new SourceRecord(Map.of(), offset, "board-cqrs.board.comment", null, null, null,
                value == null ? null : value.schema(), value);
    }

    @Test
    void shouldOrderPositionsLikeTheBinlogWithSnapshotRowsFirst() {
        String snapshot = new SourcePosition("bin.000002", 900, 0, 0, null, true, false).sortKey();
        String firstAfterSnapshot = new SourcePosition("bin.000002", 900, 0, 0, null, false, false).sortKey();
        String laterRow = new SourcePosition("bin.000002", 900, 2, 1, null, false, false).sortKey();
        String laterTransaction = new SourcePosition("bin.000002", 1400, 1, 0, null, false, false).sortKey();
        String nextFile = new SourcePosition("bin.000010", 4, 1, 0, null, false, false).sortKey();

        assertThat(List.of(snapshot, firstAfterSnapshot, laterRow, laterTransaction, nextFile)).isSorted();
    }
}
