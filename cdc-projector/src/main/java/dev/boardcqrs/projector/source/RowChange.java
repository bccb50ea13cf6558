package dev.boardcqrs.projector.source;

import java.util.Map;
import java.util.Objects;

/**
 * One row change read from the binlog (or the snapshot), with the columns before and after it as plain Java
 * values: Long for integers, String for text, Boolean for BOOLEAN, LocalDateTime for DATETIME.
 * {@code before} is null for inserts and snapshot reads, {@code after} is null for deletes.
 */
public record RowChange(String table, Operation operation, Map<String, Object> before, Map<String, Object> after,
                        SourcePosition position, long sourceTimeMillis) {

    public enum Operation { READ, CREATE, UPDATE, DELETE }

    /**
     * An integer column of a row image (an id, an order).
     *
     * @throws NullPointerException naming the column when it is null: a row the read model cannot take
     */
    public static long number(Map<String, Object> row, String column) {
        Object value = Objects.requireNonNull(row.get(column), () -> "column " + column + " is null");
        return ((Number) value).longValue();
    }
}
