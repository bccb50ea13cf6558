package dev.boardcqrs.command.db;

import dev.boardcqrs.common.source.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** Small JDBC steps the services share. */
public final class Rows {
    private Rows() {
    }

    /** Now in UTC at the precision DATETIME(3) keeps, so what we return is exactly what is stored. */
    public static LocalDateTime now() {
        return LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
    }

    public static String time(ResultSet rs, String column) throws SQLException {
        return Timestamps.format(rs.getObject(column, LocalDateTime.class));
    }

    /** Runs an INSERT and returns its AUTO_INCREMENT id. */
    public static long insert(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            bind(statement, parameters);
            statement.executeUpdate();
            try (ResultSet keys = statement.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    public static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            return statement.executeUpdate();
        }
    }

    /** True when the query finds a row; used for existence checks and row locks. */
    public static boolean exists(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Locks a row for the rest of the transaction and returns its writer_id, or null when there is no such row.
     * {@code table} and {@code idColumn} are constants of the caller, never request input.
     */
    public static Long writerForUpdate(Connection connection, String table, String idColumn, long id)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT writer_id FROM " + table + " WHERE " + idColumn + " = ? FOR UPDATE")) {
            statement.setLong(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }
}
