package dev.boardcqrs.projector.engine;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

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

    /** The rows a snapshot of the board tables reads, for progress and ETA. */
    public long boardRows() {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT (SELECT COUNT(*) FROM article) + (SELECT COUNT(*) FROM comment)"
                     + " + (SELECT COUNT(*) FROM article_like)")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** "file:position" of the end of the server's binlog. */
    public String binlogEnd() {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement();
             ResultSet rs = binlogStatus(statement)) {
            return rs.next() ? rs.getString("File") + ":" + rs.getLong("Position") : "binlog disabled";
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static ResultSet binlogStatus(Statement statement) throws SQLException {
        try {
            return statement.executeQuery("SHOW BINARY LOG STATUS"); // MySQL 8.4, MariaDB 10.5.2+
        } catch (SQLException e) {
            return statement.executeQuery("SHOW MASTER STATUS");
        }
    }
}
