package dev.boardcqrs.projector.source.debezium;

import dev.boardcqrs.common.config.ConfigException;
import dev.boardcqrs.common.config.Env;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parts of a MySQL/MariaDB JDBC URL that Debezium wants as separate settings. */
public record JdbcUrl(String host, int port, String database) {
    private static final Pattern FORM = Pattern.compile("jdbc:(?:mysql|mariadb)://([^:/?]+)(?::(\\d+))?/([^?;]+).*");

    public static JdbcUrl parse(String url) {
        Matcher matcher = FORM.matcher(url);
        if (!matcher.matches()) {
            throw new ConfigException("DATABASE_URL must look like jdbc:mysql://HOST:PORT/DATABASE or "
                    + "jdbc:mariadb://HOST:PORT/DATABASE, but was '" + Env.redacted(url) + "'");
        }
        int port = matcher.group(2) == null ? 3306 : Integer.parseInt(matcher.group(2));
        return new JdbcUrl(matcher.group(1), port, matcher.group(3));
    }
}
