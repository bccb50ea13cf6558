package dev.boardcqrs.command.consistency;

import dev.boardcqrs.common.consistency.GtidSet;
import dev.boardcqrs.common.consistency.MalformedGtidSetException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Reads, on the connection that has just committed, a GTID set that includes the commit: the write's consistency
 * token. One statement on the same connection, right after COMMIT:
 * <ul>
 * <li>MariaDB: {@code SELECT @@last_gtid}, the GTID this session's last transaction was binlogged with: exactly
 *     the write, so a reader waits for nothing else;</li>
 * <li>MySQL (no such variable): {@code SELECT @@GLOBAL.gtid_executed}, every transaction the server has committed,
 *     ours among them (it is added at commit, before COMMIT returns). It may name a few later commits too, which
 *     only makes a reader wait for the projector to apply them as well.</li>
 * </ul>
 * Both cost one round trip on a connection already held, with no grant beyond what command-api has (measured in
 * {@code ReadYourWritesIT}). MySQL's session tracking ({@code session_track_gtids=OWN_GTID}) would save the round
 * trip but ties command-api to Connector/J's internal API.
 */
public final class CommitTokens {
    static final String MARIADB = "SELECT @@last_gtid";
    static final String MYSQL = "SELECT @@GLOBAL.gtid_executed";

    private volatile String statement;

    /** The token of the transaction {@code connection} has just committed ({@code none} when it wrote nothing). */
    public String after(Connection connection) throws SQLException {
        String sql = statement;
        if (sql == null) {
            sql = statement = connection.getMetaData().getDatabaseProductVersion().toLowerCase().contains("mariadb")
                    ? MARIADB : MYSQL;
        }
        try (Statement read = connection.createStatement(); ResultSet rs = read.executeQuery(sql)) {
            String gtids = rs.next() ? rs.getString(1) : null;
            // written as query-api reads it back: one line, canonical
            return GtidSet.parse(gtids == null ? "" : gtids).toString();
        } catch (MalformedGtidSetException e) {
            throw new SQLException("the server answered no GTID set to '" + sql + "': " + e.getMessage(), e);
        }
    }
}
