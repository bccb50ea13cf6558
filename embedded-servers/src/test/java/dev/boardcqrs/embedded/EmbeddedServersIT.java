package dev.boardcqrs.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddedServersIT {

    @Test
    void databaseStartsWithRowBinlogAndTheBoardSchemaAndUsers() throws Exception {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(SharedServers.databaseKind());
             Connection root = database.connectAsRoot()) {
            ResultSet format = root.createStatement().executeQuery("SELECT @@log_bin, @@binlog_format");
            format.next();
            assertThat(format.getInt(1)).isEqualTo(1);
            assertThat(format.getString(2)).isEqualTo("ROW");

            try (Connection app = DriverManager.getConnection(
                    database.jdbcUrl(), EmbeddedDatabase.APP_USER, EmbeddedDatabase.APP_PASSWORD)) {
                app.createStatement().execute(
                        "INSERT INTO article (board_id, writer_id, title, content) VALUES (1, 2, 't', 'c')");
                ResultSet count = app.createStatement().executeQuery("SELECT COUNT(*) FROM article");
                count.next();
                assertThat(count.getInt(1)).isEqualTo(1);
            }
            ResultSet numbers = root.createStatement().executeQuery(
                    "SELECT COUNT(*), MIN(seq), MAX(seq), COUNT(DISTINCT seq) FROM " + SqlNumbers.rows(3, 12_345));
            numbers.next();
            assertThat(List.of(numbers.getLong(1), numbers.getLong(2), numbers.getLong(3), numbers.getLong(4)))
                    .as("SqlNumbers on this server").containsExactly(12_343L, 3L, 12_345L, 12_343L);
        }
    }

    @Test
    void databaseIsAReplicationSourceWithFullRowImagesGtidsAndUtcAndStopsForGood() throws Exception {
        EmbeddedDatabase database = EmbeddedDatabase.start(SharedServers.databaseKind());
        try (Connection root = database.connectAsRoot()) {
            ResultSet settings = root.createStatement().executeQuery(
                    "SELECT @@binlog_row_image, @@time_zone, @@character_set_server");
            settings.next();
            assertThat(settings.getString(1)).isEqualTo("FULL");
            assertThat(settings.getString(2)).isEqualTo("+00:00");
            assertThat(settings.getString(3)).isEqualTo("utf8mb4");
            if (database.kind() == DatabaseKind.MYSQL) { // MariaDB always writes GTIDs
                ResultSet gtids = root.createStatement().executeQuery("SELECT @@gtid_mode, @@enforce_gtid_consistency");
                gtids.next();
                assertThat(gtids.getString(1)).isEqualTo("ON");
                assertThat(gtids.getString(2)).isEqualTo("ON");
                // the server's default, as a user's MySQL 8 has it: the services must cope, not the users change
                ResultSet plugin = root.createStatement().executeQuery(
                        "SELECT plugin FROM mysql.user WHERE user = '" + EmbeddedDatabase.APP_USER + "'");
                plugin.next();
                assertThat(plugin.getString(1)).isEqualTo("caching_sha2_password");
            }
        } finally {
            database.close();
        }
        assertThatThrownBy(database::connectAsRoot).as("nothing listens on its port once stopped")
                .isInstanceOf(SQLException.class);
    }

    @Test
    void redisStartsOnTheLoopbackPortItReports() throws Exception {
        try (EmbeddedRedis redis = EmbeddedRedis.start();
             Socket socket = new Socket("127.0.0.1", redis.port())) {
            PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out.print("PING\r\n");
            out.flush();
            assertThat(in.readLine()).isEqualTo("+PONG");
        }
    }
}
