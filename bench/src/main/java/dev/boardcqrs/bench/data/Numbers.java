package dev.boardcqrs.bench.data;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Consecutive numbers (column {@code seq}) to bulk INSERT ... SELECT from, on MariaDB and MySQL alike. MariaDB
 * has them built in (seq_1_to_N), MySQL has not: the benchmark makes a table of 1..100,000 once, beside the
 * captured tables, and offsets it.
 */
public final class Numbers {
    /** The most rows one {@link #rows} may give. */
    public static final long MAX = 100_000;
    private static final String TABLE = "bench_numbers";

    private Numbers() {
    }

    /** Creates the table, doubling it from one row: 17 statements instead of 100,000 inserts. */
    public static void create(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (n BIGINT NOT NULL PRIMARY KEY) ENGINE = InnoDB");
            statement.execute("INSERT INTO " + TABLE + " SELECT 1 FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM " + TABLE + ")");
            for (long size = 1; size < MAX; size *= 2) {
                statement.execute("INSERT IGNORE INTO " + TABLE + " SELECT n + " + size + " FROM " + TABLE
                        + " WHERE n <= " + size + " AND n + " + size + " <= " + MAX);
            }
        }
    }

    /** A derived table of seq = from..to (at most {@link #MAX} of them), for a FROM clause. */
    public static String rows(long from, long to) {
        if (to - from + 1 > MAX) {
            throw new IllegalArgumentException("at most " + MAX + " numbers at once, not " + from + ".." + to);
        }
        return "(SELECT n + " + (from - 1) + " AS seq FROM " + TABLE + " WHERE n <= " + (to - from + 1) + ") AS numbers";
    }
}
