package dev.boardcqrs.projector.source;

import java.util.Map;

/**
 * One row change read from the binlog (or the snapshot), with the columns before and after it as plain Java
 * values: Long for integers, String for text, Boolean for BOOLEAN, LocalDateTime for DATETIME.
 * {@code before} is null for inserts and snapshot reads, {@code after} is null for deletes.
 */
public record RowChange(String table, Operation operation, Map<String, Object> before, Map<String, Object> after,
                        SourcePosition position, long sourceTimeMillis) {

    public enum Operation { READ, CREATE, UPDATE, DELETE }
}
