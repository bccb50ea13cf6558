package dev.boardcqrs.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single OpenSearch 2.19 node (module embedded-search) in a JVM of its own, REST on a free loopback port: its
 * classes and libraries come as files inside the embedded-search "dist" jar on our classpath, are unpacked into a
 * temporary directory with its data, and run with {@code java -cp}. Its Lucene, Netty, log4j and Jackson never meet
 * ours. The directory is removed when it stops. The node exits by itself when this JVM dies, even by SIGKILL: it
 * reads its standard input, our pipe, until it closes.
 */
public final class EmbeddedSearch implements AutoCloseable {
    private static final String DIST = "embedded-search/";
    private static final String MAIN_CLASS = "dev.boardcqrs.search.node.SearchNode";
    /** It started in 9 s on an idle 2-vCPU VM and took 47 s on the same VM at load 17 (four builds at once). */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static final Logger log = LoggerFactory.getLogger(EmbeddedSearch.class);

    private final Path home;
    private final int port;
    private final Thread stopOnExit = new Thread(this::close, "embedded-search-stop");
    private Process node;

    private EmbeddedSearch(Path home, int port) {
        this.home = home;
        this.port = port;
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /** Starts a node and waits until it answers REST with a green or yellow cluster. */
    public static EmbeddedSearch start() {
        Path home;
        try {
            home = Files.createTempDirectory("embedded-search-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        EmbeddedSearch search = new EmbeddedSearch(home, FreePort.find());
        long started = System.nanoTime();
        try {
            String classpath = search.unpack();
            search.startProcess(classpath);
            search.awaitReady();
            log.info("OpenSearch started on 127.0.0.1:{} in {} ms", search.port,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return search;
        } catch (IOException | RuntimeException e) {
            search.close();
            throw new IllegalStateException("embedded OpenSearch did not start: " + e.getMessage(), e);
        }
    }

    /** Copies the node's classes and libraries out of the dist jar; answers the classpath to run them with. */
    private String unpack() throws IOException {
        Path dist = home.resolve("dist");
        List<String> entries = new ArrayList<>();
        entries.add(dist.resolve("classes").toString());
        String libraries = new String(resource("classpath.txt").readAllBytes(), StandardCharsets.UTF_8).trim();
        for (String library : libraries.split(":")) {
            copy(library, dist);
            entries.add(dist.resolve(library).toString());
        }
        copy("classes/" + MAIN_CLASS.replace('.', '/') + ".class", dist);
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = EmbeddedSearch.class.getClassLoader().getResourceAsStream(DIST + name);
        if (in == null) {
            throw new IOException(DIST + name + " is not on the classpath (dev.boardcqrs:embedded-search:dist; "
                    + "build it with mvn package)");
        }
        return in;
    }

    private static void copy(String name, Path dist) throws IOException {
        Path target = dist.resolve(name);
        Files.createDirectories(target.getParent());
        try (InputStream in = resource(name)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void startProcess(String classpath) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xms256m", "-Xmx512m",
                "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + home, "-cp", classpath, MAIN_CLASS,
                Integer.toString(port), Integer.toString(FreePort.find()), home.toString());
        builder.redirectErrorStream(true).redirectOutput(home.resolve("node.log").toFile());
        // stdin stays a pipe we never write to: the node exits when it closes (our death)
        node = builder.start();
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!node.isAlive()) {
                throw new IOException("the node exited with " + node.exitValue() + ": " + lastLogLines());
            }
            try {
                HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(url()
                                + "/_cluster/health?wait_for_status=yellow&timeout=1s")).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for OpenSearch", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("not ready within " + START_TIMEOUT.toSeconds() + " s: " + lastLogLines());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for OpenSearch", e);
            }
        }
    }

    private String lastLogLines() {
        try {
            List<String> lines = Files.readAllLines(home.resolve("node.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "no log (" + e.getMessage() + ")";
        }
    }

    public int port() {
        return port;
    }

    /** Where its libraries and data are, removed by {@link #close()}. */
    public Path home() {
        return home;
    }

    /** The REST endpoint, {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Stops the node (SIGTERM: it closes its indices) and removes its directory. Closing twice is harmless. */
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
        if (node != null) {
            node.destroy();
            try {
                if (!node.waitFor(30, TimeUnit.SECONDS)) {
                    log.warn("OpenSearch on port {} did not stop within 30 s: killing it", port);
                    node.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                node.destroyForcibly();
            }
        }
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.warn("could not remove OpenSearch's files in {}: {}", home, e.getMessage());
        }
    }
}
