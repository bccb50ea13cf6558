package dev.boardcqrs.command.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.common.web.ApiException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import javax.sql.DataSource;

/** The connection pool and the one way services run SQL: a whole unit of work in one transaction. */
public final class Database {
    private final DataSource dataSource;

    public Database(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * A pool whose sessions work in UTC, so DATETIME columns hold the same wall-clock time on any server.
     */
    public static HikariDataSource pool(String url, String user, String password, int size, Duration timeout) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("command-db");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(Math.max(250, timeout.toMillis()));
        config.setConnectionInitSql("SET time_zone = '+00:00'");
        config.setAutoCommit(false);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        // fail at start-up with the real reason (wrong password, unknown database) rather than on first request
        config.setInitializationFailTimeout(timeout.toMillis());
        return new HikariDataSource(config);
    }

    public <T> T inTransaction(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            if (isUnavailable(e)) {
                throw ApiException.unavailable("database is unavailable, try again later");
            }
            throw new DatabaseException(e);
        }
    }

    // No connection (pool timeout, server down, SQLSTATE class 08): the client may retry, so 503 not 500.
    private static boolean isUnavailable(SQLException e) {
        return e instanceof SQLTransientConnectionException
                || e instanceof SQLNonTransientConnectionException
                || (e.getSQLState() != null && e.getSQLState().startsWith("08"));
    }

    public boolean isReachable() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }
}
