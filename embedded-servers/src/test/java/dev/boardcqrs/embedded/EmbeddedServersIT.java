package dev.boardcqrs.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

class EmbeddedServersIT {

    @Test
    void mariaDbStartsWithRowBinlogAndTheBoardSchemaAndUsers() throws Exception {
        try (EmbeddedMariaDb mariaDb = EmbeddedMariaDb.startWithBoardDatabase();
             Connection root = mariaDb.connectAsRoot()) {
            ResultSet format = root.createStatement().executeQuery("SELECT @@log_bin, @@binlog_format");
            format.next();
            assertThat(format.getInt(1)).isEqualTo(1);
            assertThat(format.getString(2)).isEqualTo("ROW");

            try (Connection app = DriverManager.getConnection(
                    mariaDb.jdbcUrl(), EmbeddedMariaDb.APP_USER, EmbeddedMariaDb.APP_PASSWORD)) {
                app.createStatement().execute(
                        "INSERT INTO article (board_id, writer_id, title, content) VALUES (1, 2, 't', 'c')");
                ResultSet count = app.createStatement().executeQuery("SELECT COUNT(*) FROM article");
                count.next();
                assertThat(count.getInt(1)).isEqualTo(1);
            }
        }
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
