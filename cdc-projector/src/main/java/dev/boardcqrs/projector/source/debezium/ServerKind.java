package dev.boardcqrs.projector.source.debezium;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Which Debezium connector reads this server's binlog. Debezium 3's MySQL connector refuses MariaDB, so the
 * projector asks the server what it is, unless the operator said so explicitly.
 */
public enum ServerKind {
    MYSQL("io.debezium.connector.mysql.MySqlConnector"),
    MARIADB("io.debezium.connector.mariadb.MariaDbConnector");

    private final String connectorClass;

    ServerKind(String connectorClass) {
        this.connectorClass = connectorClass;
    }

    public String connectorClass() {
        return connectorClass;
    }

    public static ServerKind fromVersion(String version) {
        return version != null && version.toLowerCase().contains("mariadb") ? MARIADB : MYSQL;
    }

    public static ServerKind detect(String url, String user, String password) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT VERSION()")) {
            rs.next();
            return fromVersion(rs.getString(1));
        }
    }
}
