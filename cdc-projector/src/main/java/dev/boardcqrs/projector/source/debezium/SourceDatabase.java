package dev.boardcqrs.projector.source.debezium;

import dev.boardcqrs.common.binlog.BinlogStatus;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Questions the projector asks the source database itself: how many rows a snapshot reads, where the binlog ends. */
public final class SourceDatabase {
    private final String url;
    private final String user;
    private final String password;

    public SourceDatabase(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** The rows a snapshot of {@code tables} reads, for progress and ETA. */
    public long rows(Collection<String> tables) {
        String sum = tables.stream().map(table -> {
            if (!table.matches("[A-Za-z0-9_]{1,64}")) {
                throw new IllegalArgumentException("not a table name: " + table);
            }
            return "(SELECT COUNT(*) FROM " + table + ")";
        }).collect(Collectors.joining(" + "));
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT " + sum)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * The GTID state at a binlog file and position (an event boundary): MariaDB's (empty if there is none), or
     * MySQL's set of the transactions before it; null on a MySQL that writes no GTIDs.
     */
    public String gtidAt(String file, long position) {
        try (Connection connection = DriverManager.getConnection(url, user, password)) {
            if (ServerKind.fromVersion(connection.getMetaData().getDatabaseProductVersion()) == ServerKind.MYSQL) {
                return MySqlGtids.enabled(connection) ? MySqlGtids.at(connection, file, position) : null;
            }
            try (PreparedStatement statement = connection.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
                statement.setString(1, file);
                statement.setLong(2, position);
                try (ResultSet rs = statement.executeQuery()) {
                    return rs.next() && rs.getString(1) != null ? rs.getString(1) : "";
                }
            }
        } catch (SQLException e) {
            throw new IllegalArgumentException("cannot find the GTID at " + file + ":" + position + ": " + e.getMessage(), e);
        }
    }

    /** Whether the server still has the binlog file {@code file} (it has not been purged). */
    public boolean hasBinlog(String file) {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                if (rs.getString(1).equals(file)) {
                    return true;
                }
            }
            return false;
        } catch (SQLException e) {
            // cannot tell (privileges, server down): let the engine find out itself
            LoggerFactory.getLogger(SourceDatabase.class).warn("cannot list the server's binlog files to check that {} "
                    + "is still there: {}", file, e.getMessage());
            return true;
        }
    }

    /**
     * Whether the server answers: false only when no connection can be made (SQLSTATE class 08: refused, reset,
     * timed out), not when it refuses the login or a query.
     */
    public boolean reachable() {
        try (Connection ignored = DriverManager.getConnection(url, user, password)) {
            return true;
        } catch (SQLException e) {
            return e.getSQLState() == null || !e.getSQLState().startsWith("08");
        }
    }

    /** "file:position" of the end of the server's binlog. */
    public String binlogEnd() {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(BinlogStatus.statement(connection.getMetaData().getDatabaseProductVersion()))) {
            return rs.next() ? rs.getString("File") + ":" + rs.getLong("Position") : "binlog disabled";
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
