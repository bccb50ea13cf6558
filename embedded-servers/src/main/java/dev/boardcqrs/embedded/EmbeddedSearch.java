package dev.boardcqrs.embedded;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A single OpenSearch 2.19 node (module embedded-search) in a JVM of its own, REST on a free loopback port: its
 * classes and libraries come as files inside the embedded-search "dist" jar on our classpath, are unpacked into a
 * temporary directory with its data, and run with {@code java -cp}. Its Lucene, Netty, log4j and Jackson never meet
 * ours. The directory is removed when it stops. The node exits by itself when this JVM dies, even by SIGKILL: it
 * reads its standard input, our pipe, until it closes.
 */
public final class EmbeddedSearch implements AutoCloseable {
    private static final String MAIN_CLASS = "dev.boardcqrs.search.node.SearchNode";
    /** It started in 9 s on an idle 2-vCPU VM and took 47 s on the same VM at load 17 (four builds at once). */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final DistProcess node;
    private final int port;

    private EmbeddedSearch(DistProcess node, int port) {
        this.node = node;
        this.port = port;
    }

    /** Starts a node and waits until it answers REST with a green or yellow cluster. */
    public static EmbeddedSearch start() {
        EmbeddedSearch search = new EmbeddedSearch(new DistProcess("OpenSearch", "embedded-search",
                List.of("-Xms256m", "-Xmx512m", "-XX:+UseSerialGC"), MAIN_CLASS), FreePort.find());
        search.node.startReady(() -> List.of(Integer.toString(search.port), Integer.toString(FreePort.find()),
                search.home().toString()), START_TIMEOUT, search::healthy, "127.0.0.1:" + search.port);
        return search;
    }

    private boolean healthy() throws IOException, InterruptedException {
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(url()
                        + "/_cluster/health?wait_for_status=yellow&timeout=1s")).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString());
        return health.statusCode() == 200;
    }

    public int port() {
        return port;
    }

    /** Where its libraries and data are, removed by {@link #close()}. */
    public Path home() {
        return node.home();
    }

    /** The REST endpoint, {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Stops the node (SIGTERM: it closes its indices) and removes its directory. Closing twice is harmless. */
    @Override
    public void close() {
        node.stop();
    }
}
