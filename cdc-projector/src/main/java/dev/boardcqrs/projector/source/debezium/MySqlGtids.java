package dev.boardcqrs.projector.source.debezium;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MySQL's GTID sets, where MySQL differs from MariaDB: it has no BINLOG_GTID_POS, and its connector resumes by
 * GTID set whenever the server writes GTIDs (an offset with only a file and position fails to connect there).
 */
final class MySqlGtids {
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern GTID_NEXT = Pattern.compile("GTID_NEXT\\s*=\\s*'([^']+)'");

    private MySqlGtids() {
    }

    /** Whether the server writes GTIDs (gtid_mode ON). */
    static boolean enabled(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT @@GLOBAL.gtid_mode")) {
            return rs.next() && "ON".equalsIgnoreCase(rs.getString(1));
        }
    }

    /**
     * The transactions the server had written before {@code position} of {@code file} (an event boundary): the
     * file's Previous_gtids and the GTID of every transaction in it that starts before the position.
     */
    static String at(Connection connection, String file, long position) throws SQLException {
        if (!FILE_NAME.matcher(file).matches()) {
            throw new SQLException("not a binlog file name: '" + file + "'");
        }
        StringBuilder set = new StringBuilder();
        try (Statement statement = connection.createStatement();
             ResultSet events = statement.executeQuery("SHOW BINLOG EVENTS IN '" + file + "'")) {
            while (events.next() && events.getLong("Pos") < position) {
                String type = events.getString("Event_type");
                String info = events.getString("Info");
                if ("Previous_gtids".equals(type) && !info.isBlank()) {
                    set.append(set.isEmpty() ? "" : ",").append(info);
                } else if ("Gtid".equals(type)) {
                    Matcher gtid = GTID_NEXT.matcher(info);
                    if (gtid.find()) {
                        set.append(set.isEmpty() ? "" : ",").append(gtid.group(1));
                    }
                }
            }
        }
        // the server writes the union in its canonical form ("uuid:1-5,uuid:6" becomes "uuid:1-6")
        try (PreparedStatement normal = connection.prepareStatement("SELECT GTID_SUBTRACT(?, '')")) {
            normal.setString(1, set.toString());
            try (ResultSet rs = normal.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
