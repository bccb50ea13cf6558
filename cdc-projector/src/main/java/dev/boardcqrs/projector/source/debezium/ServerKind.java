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
    MYSQL("io.debezium.connector.mysql.MySqlConnector", QuietMySqlConnector.class),
    MARIADB("io.debezium.connector.mariadb.MariaDbConnector", QuietMariaDbConnector.class);

    private final String connectorClass;
    private final Class<?> embeddedConnectorClass;

    ServerKind(String connectorClass, Class<?> embeddedConnectorClass) {
        this.connectorClass = connectorClass;
        this.embeddedConnectorClass = embeddedConnectorClass;
    }

    /** Debezium's own connector, as Kafka Connect runs it. */
    public String connectorClass() {
        return connectorClass;
    }

    /** The embedded engine's: Debezium's, with a poll that sleeps while the binlog is quiet. */
    public String embeddedConnectorClass() {
        return embeddedConnectorClass.getName();
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
