package dev.boardcqrs.projector.source.debezium;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.SourceEvent;
import dev.boardcqrs.projector.source.SourcePosition;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns Debezium's Connect records into {@link SourceEvent}s: row changes, the BEGIN/END markers of source
 * transactions, and the rest (tombstones, heartbeats, schema changes), which give nothing to apply.
 */
public final class RowChanges {
    /**
     * The header Debezium puts on the create half of a primary key change (RelationalChangeRecordEmitter); it carries
     * the old key, hence its name.
     */
    public static final String OLD_KEY_HEADER = "__debezium.oldkey";

    private RowChanges() {
    }

    /**
     * What one record is to the projector; a record that cannot be read becomes an unreadable event. The position
     * comes from the record's source offset (file, pos, event, row), the source block filling in what it lacks.
     */
    public static SourceEvent event(SourceRecord record) {
        if (record.value() instanceof Struct value && value.schema().field("status") != null
                && value.schema().field("op") == null) {
            return switch (value.getString("status")) {
                case "BEGIN" -> SourceEvent.BEGIN;
                case "END" -> SourceEvent.END;
                default -> SourceEvent.OTHER;
            };
        }
        try {
            return from(record).map(SourceEvent::row).orElse(SourceEvent.OTHER);
        } catch (RuntimeException e) {
            return SourceEvent.unreadable(new SourceEvent.Unreadable(record.topic(), String.valueOf(record.value()),
                    String.valueOf(record.sourceOffset()), e));
        }
    }

    public static Optional<RowChange> from(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("op") == null) {
            return Optional.empty();
        }
        RowChange.Operation operation = switch (value.getString("op")) {
            case "r" -> RowChange.Operation.READ;
            case "c" -> RowChange.Operation.CREATE;
            case "u" -> RowChange.Operation.UPDATE;
            case "d" -> RowChange.Operation.DELETE;
            default -> null; // truncate and messages carry no row
        };
        if (operation == null) {
            return Optional.empty();
        }
        Struct source = value.getStruct("source");
        return Optional.of(new RowChange(
                source.getString("table"),
                operation,
                columns(value.getStruct("before")),
                columns(value.getStruct("after")),
                position(source, record.sourceOffset() == null ? Map.of() : record.sourceOffset(),
                        record.headers().lastWithName(OLD_KEY_HEADER) != null),
                Optional.ofNullable(source.getInt64("ts_ms")).orElse(0L)));
    }

    // The offset, not the source block: its (pos, event, row) is unique per change, while the source block's
    // pos is shared by all rows of an event.
    private static SourcePosition position(Struct source, Map<String, ?> offset, boolean newKey) {
        String snapshot = source.schema().field("snapshot") == null ? null : source.getString("snapshot");
        return new SourcePosition(
                offset.get("file") instanceof String file ? file : source.getString("file"),
                number(offset.get("pos"), Optional.ofNullable(source.getInt64("pos")).orElse(0L)),
                number(offset.get("event"), 0),
                number(offset.get("row"), 0),
                gtid(source, offset),
                snapshot != null && !"false".equals(snapshot),
                "last".equals(snapshot),
                newKey);
    }

    /**
     * The GTID of the change's transaction; a snapshot row has none, and then the GTID set the offset records
     * (where the snapshot read), which the snapshot's rows contain.
     */
    private static String gtid(Struct source, Map<String, ?> offset) {
        String gtid = source.schema().field("gtid") == null ? null : source.getString("gtid");
        return gtid != null ? gtid : offset.get("gtids") instanceof String gtids ? gtids : null;
    }

    private static long number(Object value, long fallback) {
        return value instanceof Number number ? number.longValue() : fallback;
    }

    private static Map<String, Object> columns(Struct row) {
        if (row == null) {
            return null;
        }
        Map<String, Object> columns = new HashMap<>();
        for (Field field : row.schema().fields()) {
            columns.put(field.name(), value(field.schema(), row.get(field)));
        }
        return columns;
    }

    /** Normalises Debezium's encodings so the projection sees one Java type per SQL type. */
    static Object value(Schema schema, Object raw) {
        if (raw == null) {
            return null;
        }
        String logical = schema.name();
        if ("io.debezium.time.Timestamp".equals(logical)) {
            return LocalDateTime.ofInstant(Instant.ofEpochMilli((Long) raw), ZoneOffset.UTC);
        }
        if ("io.debezium.time.MicroTimestamp".equals(logical)) {
            long micros = (Long) raw;
            return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                    (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
        }
        if (raw instanceof Date date) {
            return LocalDateTime.ofInstant(date.toInstant(), ZoneOffset.UTC);
        }
        if (raw instanceof Byte || raw instanceof Short || raw instanceof Integer) {
            return ((Number) raw).longValue();
        }
        return raw;
    }
}
