package dev.boardcqrs.projector.source;

import java.util.List;

/**
 * Tables whose changes a read model must see in commit order relative to each other, and by what: rows that share
 * the value of {@code keyColumn} (an article's own row, its comments and its likes share {@code article_id}), or,
 * without a key column, all of them (one total order). A change source that splits changes over partitions (Kafka)
 * keeps each group's order within one partition; the embedded engine keeps every change in order anyway.
 */
public record OrderingGroup(String name, List<String> tables, String keyColumn) {

    public OrderingGroup {
        tables = List.copyOf(tables);
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("an ordering group needs tables");
        }
    }

    /** The whole group in one order: one partition. */
    public static OrderingGroup total(String name, List<String> tables) {
        return new OrderingGroup(name, tables, null);
    }

    public boolean partitioned() {
        return keyColumn != null;
    }
}
