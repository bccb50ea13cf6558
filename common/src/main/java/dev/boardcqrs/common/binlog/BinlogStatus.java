package dev.boardcqrs.common.binlog;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The statement that reports where a server's binlog ends (columns File and Position), chosen by its version:
 * MySQL renamed SHOW MASTER STATUS to SHOW BINARY LOG STATUS in 8.2 and dropped the old name in 8.4, so no one
 * statement works on both 8.0 and 8.4; MariaDB answers SHOW MASTER STATUS in every version.
 */
public final class BinlogStatus {
    private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+)\\.(\\d+)");

    private BinlogStatus() {
    }

    /** {@code version}: what SELECT VERSION() answers ("8.0.15", "8.4.3", "11.4.5-MariaDB-log"). */
    public static String statement(String version) {
        if (version.toLowerCase().contains("mariadb")) {
            return "SHOW MASTER STATUS";
        }
        Matcher number = MAJOR_MINOR.matcher(version);
        if (!number.find()) {
            throw new IllegalArgumentException("not a MySQL version: '" + version + "'");
        }
        int major = Integer.parseInt(number.group(1));
        int minor = Integer.parseInt(number.group(2));
        return major > 8 || (major == 8 && minor >= 2) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
    }
}
