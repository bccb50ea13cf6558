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
 * into events as it does for the engine. A topic's record carries no connector offset, so the source block places
 * the change: its {@code pos} is the rows event's own binlog position and {@code row} the row within it, which
 * sort like the binlog; the engine uses the transaction's start and the event's number in it instead, so the two
 * modes' positions are not compared with each other (a generation is filled by one mode).
 */
final class TopicRecords {
    private final JsonConverter values = new JsonConverter();

    TopicRecords() {
        values.configure(Map.of("schemas.enable", "true", "converter.type", "value"));
    }

    /** The record as an event at its offset in its partition. */
    SourceEvent event(ConsumerRecord<byte[], byte[]> record) {
        String position = StreamOffsets.position(record.offset());
        SchemaAndValue value;
        try {
            value = values.toConnectData(record.topic(), record.value());
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

    /** The source block's file, pos and row, as the engine's offset would name them; empty for anything else. */
    private static Map<String, Object> offset(Object value) {
        Map<String, Object> offset = new HashMap<>();
        if (value instanceof Struct change && change.schema().field("source") != null
                && change.get("source") instanceof Struct source) {
            for (String field : new String[] {"file", "pos", "row"}) {
                if (source.schema().field(field) != null && source.get(field) != null) {
                    offset.put(field, source.get(field));
                }
            }
        }
        return offset;
    }
}
