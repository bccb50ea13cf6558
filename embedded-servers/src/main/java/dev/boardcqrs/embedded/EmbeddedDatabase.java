package dev.boardcqrs.embedded;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A MariaDB or MySQL server started for the launcher, the benchmark and the tests, on a free loopback port with
 * the binlog in ROW format, GTIDs and UTC, and the board database with the schema and users of sql/. Written
 * against once: {@link #start(DatabaseKind)} picks the server.
 */
public interface EmbeddedDatabase extends AutoCloseable {
    String DATABASE = "board";
    String APP_USER = "board_app";
    String APP_PASSWORD = "board_app";
    String CDC_USER = "board_cdc";
    String CDC_PASSWORD = "board_cdc";
    String QUERY_USER = "board_query";
    String QUERY_PASSWORD = "board_query";
    String ROOT_USER = "root";

    /** Starts a fresh server with the board database; its files are deleted when it stops. */
    static EmbeddedDatabase start(DatabaseKind kind) {
        return switch (kind) {
            case MARIADB -> EmbeddedMariaDb.startWithBoardDatabase();
            case MYSQL -> EmbeddedMySql.startWithBoardDatabase();
        };
    }

    /** A handle to a server of {@code kind} another process started on {@code port}: it never stops it. */
    static EmbeddedDatabase attach(DatabaseKind kind, int port) {
        return switch (kind) {
            case MARIADB -> EmbeddedMariaDb.attach(port);
            case MYSQL -> EmbeddedMySql.attach(port);
        };
    }

    DatabaseKind kind();

    int port();

    /** The JDBC URL of the board database, without credentials: jdbc:mariadb://... or jdbc:mysql://... */
    String jdbcUrl();

    /** A root connection (empty password) to the board database, for tests and for the person at the console. */
    Connection connectAsRoot() throws SQLException;

    /** Stops the server and starts it again on the same port and data, as an operator's restart would. */
    void restart();

    /** Stops the server and removes its files. */
    @Override
    void close();

    /** Runs a script of sql/ (statements ending with ';' at the end of a line) as root on the board database. */
    default void runScript(String script) throws SQLException {
        try (Connection root = connectAsRoot()) {
            SqlScript.run(root, script);
        }
    }

    /** Runs an INSERT as root, as another system writing plain SQL would, and returns its AUTO_INCREMENT id. */
    default long insert(String sql, Object... parameters) throws SQLException {
        try (Connection connection = connectAsRoot();
             PreparedStatement statement = connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            bind(statement, parameters);
            statement.executeUpdate();
            try (ResultSet keys = statement.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** Runs an UPDATE or DELETE as root. */
    default void execute(String sql, Object... parameters) throws SQLException {
        try (Connection connection = connectAsRoot(); PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            statement.executeUpdate();
        }
    }

    /** The number a query such as SELECT COUNT(*) answers. */
    default long count(String sql) throws SQLException {
        try (Connection connection = connectAsRoot(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Runs statements as root in one transaction, as another system's multi-row write would. */
    default void executeInTransaction(String... statements) throws SQLException {
        try (Connection connection = connectAsRoot()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                for (String sql : statements) {
                    statement.execute(sql);
                }
            }
            connection.commit();
        }
    }

    /** The first column of every row a query answers, as numbers (ids). */
    default List<Long> ids(String sql) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection connection = connectAsRoot(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }
}
