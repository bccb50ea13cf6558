package dev.boardcqrs.projector.source.kafka;

import static dev.boardcqrs.projector.source.debezium.CommentEnvelopes.SOURCE;
import static dev.boardcqrs.projector.source.debezium.CommentEnvelopes.envelope;
import static dev.boardcqrs.projector.source.debezium.CommentEnvelopes.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.SourceEvent;
import dev.boardcqrs.projector.source.SourcePosition;
import dev.boardcqrs.projector.source.debezium.CommentEnvelopes;
import dev.boardcqrs.projector.source.debezium.RowChanges;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

/**
 * Records as a Kafka Connect worker writes them with the JSON converter (schemas included), shaped like Debezium's
 * MariaDB envelopes: read back into the row changes the embedded engine would give, placed by the source block and
 * the record's offset.
 */
class TopicRecordsTest {
    private static final String TOPIC = "board-cqrs.articles";
    private final TopicRecords records = new TopicRecords();

    @Test
    void shouldReadAChangeWithItsRowsEventPositionAndRowAtItsOffset() {
        Struct value = envelope("u", row(5, (short) 0), row(5, (short) 1),
                source("bin.000003", 4711, 2, "0-1-42", "false"));

        SourceEvent event = records.event(record(42, value, false));

        assertThat(event.streamPosition()).isEqualTo(StreamOffsets.position(42));
        RowChange change = event.change();
        assertThat(change.table()).isEqualTo("comment");
        assertThat(change.operation()).isEqualTo(RowChange.Operation.UPDATE);
        assertThat(change.before()).containsEntry("deleted", 0L);
        assertThat(change.after()).containsEntry("deleted", 1L).containsEntry("article_id", 7L)
                .containsEntry("created_at", CommentEnvelopes.CREATED_AT);
        assertThat(change.position()).as("the rows event's position and the row in it: unique per change")
                .isEqualTo(new SourcePosition("bin.000003", 4711, 0, 2, "0-1-42", false, false));
    }

    @Test
    void shouldOrderTheRowsOfOneEventByTheirRow() {
        Struct first = envelope("c", null, row(5, (short) 0), source("bin.000003", 4711, 0, "0-1-43", "false"));
        Struct second = envelope("c", null, row(6, (short) 0), source("bin.000003", 4711, 1, "0-1-43", "false"));

        String firstKey = records.event(record(1, first, false)).change().position().sortKey();
        String secondKey = records.event(record(2, second, false)).change().position().sortKey();

        assertThat(firstKey).isLessThan(secondKey);
    }

    /**
     * The connector's source block names the transaction's start as {@code pos} for every change of it, and the row
     * within each rows event: an article deleted with its two comments in one transaction (the comments' rows event
     * first) gives the comments rows 0 and 1 and the article row 0. Only the change's order in the transaction sorts
     * them as the binlog does; by (pos, row) the second comment sorted after the article, whose model then kept it
     * and refused the article's delete.
     */
    @Test
    void shouldOrderTheChangesOfOneTransactionByTheirOrderInItAcrossRowsEvents() {
        Struct secondComment = CommentEnvelopes.inTransaction(envelope("d", row(6, (short) 0), null,
                source("bin.000003", 4711, 1, "0-1-64", "false")), "0-1-64", 2);
        Struct article = CommentEnvelopes.inTransaction(envelope("d", row(5, (short) 0), null,
                source("bin.000003", 4711, 0, "0-1-64", "false")), "0-1-64", 3);

        String commentKey = records.event(record(1, secondComment, false)).change().position().sortKey();
        String articleKey = records.event(record(2, article, false)).change().position().sortKey();

        assertThat(commentKey).isLessThan(articleKey);
    }

    @Test
    void shouldMarkSnapshotRowsAndTheCreateHalfOfAKeyChange() {
        Struct snapshot = envelope("r", null, row(5, (short) 0), source("bin.000002", 300, 0, null, "last"));
        Struct created = envelope("c", null, row(9, (short) 0), source("bin.000003", 900, 0, "0-1-44", "false"));

        SourcePosition snapshotRow = records.event(record(0, snapshot, false)).change().position();
        SourcePosition newKey = records.event(record(1, created, true)).change().position();

        assertThat(snapshotRow.snapshot()).isTrue();
        assertThat(snapshotRow.lastOfSnapshot()).isTrue();
        assertThat(newKey.newKey()).isTrue();
    }

    @Test
    void shouldPassOnATombstoneAndKeepWhatCannotBeReadAtItsOffset() {
        SourceEvent tombstone = records.event(new ConsumerRecord<>(TOPIC, 0, 5, null, null));
        SourceEvent garbage = records.event(new ConsumerRecord<>(TOPIC, 0, 6, null,
                "{not json".getBytes(StandardCharsets.UTF_8)));

        assertThat(tombstone.kind()).isEqualTo(SourceEvent.Kind.OTHER);
        assertThat(tombstone.streamPosition()).isEqualTo(StreamOffsets.position(5));
        assertThat(garbage.kind()).isEqualTo(SourceEvent.Kind.UNREADABLE);
        assertThat(garbage.unreadable().position()).isEqualTo("offset 6");
        assertThat(garbage.streamPosition()).isEqualTo(StreamOffsets.position(6));
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, Struct value, boolean newKey) {
        byte[] json = CommentEnvelopes.json(TOPIC, value);
        RecordHeaders headers = new RecordHeaders();
        if (newKey) {
            headers.add(RowChanges.OLD_KEY_HEADER, "{\"comment_id\":4}".getBytes(StandardCharsets.UTF_8));
        }
        return new ConsumerRecord<>(TOPIC, 0, offset, 0L, TimestampType.CREATE_TIME, 0, json.length, null, json,
                headers, Optional.empty());
    }

    private static Struct source(String file, long pos, int row, String gtid, String snapshot) {
        return new Struct(SOURCE).put("table", "comment").put("file", file).put("pos", pos).put("row", row)
                .put("gtid", gtid).put("snapshot", snapshot).put("ts_ms", 1_700_000_000_000L);
    }
}
