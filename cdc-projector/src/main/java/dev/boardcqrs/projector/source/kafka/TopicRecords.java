package dev.boardcqrs.projector.source.kafka;

import dev.boardcqrs.projector.source.SourceEvent;
import dev.boardcqrs.projector.source.debezium.RowChanges;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Reads the connector's records back from the topics: Kafka Connect's JSON converter (with schemas, as the worker
 * writes them) gives back the Connect structs the embedded engine hands over, and {@link RowChanges} turns them
 * into events as it does for the engine. A topic's record carries no connector offset, so the source block and the
 * transaction block place the change: the source block's {@code pos} is where the transaction starts (shared by
 * every change of it, whatever its rows event) and {@code row} the row within its rows event, so alone they do not
 * sort the changes of one transaction that touches several rows events (an article deleted after its comments:
 * comment rows 0 and 1, article row 0); the transaction block's {@code total_order}, the change's place among its
 * transaction's (the connector's provide.transaction.metadata), does, and takes the place of the engine's event
 * number. The two modes' positions are not compared with each other (a generation is filled by one mode).
 */
final class TopicRecords {
    private final EnvelopeReader values;

    TopicRecords() {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true", "converter.type", "value"));
        values = new EnvelopeReader(converter);
    }

    /** The record as an event at its offset in its partition. */
    SourceEvent event(ConsumerRecord<byte[], byte[]> record) {
        String position = StreamOffsets.position(record.offset());
        SchemaAndValue value;
        try {
            value = values.read(record.topic(), record.value());
        } catch (RuntimeException e) {
            return SourceEvent.unreadable(new SourceEvent.Unreadable(record.topic() + "-" + record.partition(),
                    record.value() == null ? "null" : new String(record.value(), java.nio.charset.StandardCharsets.UTF_8),
                    "offset " + record.offset(), e)).inStream(position);
        }
        ConnectHeaders headers = new ConnectHeaders();
        if (record.headers().lastHeader(RowChanges.OLD_KEY_HEADER) != null) {
            headers.addString(RowChanges.OLD_KEY_HEADER, "");
        }
        SourceRecord connect = new SourceRecord(Map.of(), offset(value.value()), record.topic(), record.partition(),
                null, null, value.schema(), value.value(), record.timestamp(), headers);
        return RowChanges.event(connect).inStream(position);
    }

    /**
     * The source block's file, pos and row and the change's order in its transaction (as "event"), as the engine's
     * offset would name them; empty for anything else. A snapshot row has no transaction: its event is 0.
     */
    private static Map<String, Object> offset(Object value) {
        Map<String, Object> offset = new HashMap<>();
        if (value instanceof Struct change && change.schema().field("source") != null
                && change.get("source") instanceof Struct source) {
            for (String field : new String[] {"file", "pos", "row"}) {
                if (source.schema().field(field) != null && source.get(field) != null) {
                    offset.put(field, source.get(field));
                }
            }
            if (change.schema().field("transaction") != null && change.get("transaction") instanceof Struct transaction
                    && transaction.get("total_order") != null) {
                offset.put("event", transaction.get("total_order"));
            }
        }
        return offset;
    }
}
