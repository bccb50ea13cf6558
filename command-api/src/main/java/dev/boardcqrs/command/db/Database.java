package dev.boardcqrs.command.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.command.consistency.CommitTokens;
import dev.boardcqrs.command.consistency.LastCommit;
import dev.boardcqrs.common.web.ApiException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool and the one way services run SQL: a whole unit of work in one transaction, after whose
 * commit the position it reached is read for the write's consistency token.
 */
public final class Database {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private final DataSource dataSource;
    private final CommitTokens tokens = new CommitTokens();
    private final LastCommit lastCommit;

    public Database(DataSource dataSource, LastCommit lastCommit) {
        this.dataSource = dataSource;
        this.lastCommit = lastCommit;
    }

    public Database(DataSource dataSource) {
        this(dataSource, new LastCommit());
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
                lastCommit.committed(tokenAfterCommit(connection));
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

    // the write is committed whatever happens here: a failed read costs the answer its token, not its success
    private String tokenAfterCommit(Connection connection) {
        try {
            return tokens.after(connection);
        } catch (SQLException e) {
            log.warn("committed, but the position for the consistency token could not be read: {}", e.toString());
            return null;
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
