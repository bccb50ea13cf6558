package dev.boardcqrs.search.node;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node, alone in its cluster, serving REST on a loopback port: what embedded-servers starts as a
 * process of its own (java -cp on this module's "dist" files) for the launcher and the tests. Arguments: the HTTP
 * port, the transport port and the home directory (data goes under it). It stops on SIGTERM, and when its standard
 * input closes: the JVM that started it holds that pipe open, so a parent killed with SIGKILL takes it along.
 */
public final class SearchNode extends Node {

    private SearchNode(Settings settings) {
        // the protected constructor is the one that takes plugins from the classpath: a distribution would load
        // them from its plugins/ directory, which we do not have
        super(InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> "embedded-search"),
                List.of(Netty4Plugin.class, CommonAnalysisPlugin.class), true);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: SearchNode HTTP_PORT TRANSPORT_PORT HOME_DIRECTORY");
            System.exit(2);
        }
        Path home = Path.of(args[2]);
        Settings settings = Settings.builder()
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("cluster.name", "embedded-search")
                .put("node.name", "embedded-search")
                .put("network.host", "127.0.0.1")
                .put("http.port", args[0])
                .put("transport.port", args[1])
                .put("discovery.type", "single-node")
                // a shared build machine's disk is often more than 90% full; the node would then refuse writes
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .build();
        Node node = new SearchNode(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> close(node), "search-node-stop"));
        node.start();
        System.out.println("search node started on 127.0.0.1:" + args[0]);
        // not a daemon: the node's own threads are, so this one keeps the JVM alive (as Bootstrap's keep-alive does)
        new Thread(SearchNode::exitWhenParentGone, "search-node-parent-watch").start();
    }

    // the parent never writes to our standard input: end of stream means it is gone
    private static void exitWhenParentGone() {
        try (InputStream in = System.in) {
            while (in.read() != -1) {
                // nothing is sent; keep reading until the pipe closes
            }
        } catch (IOException e) {
            // the same as a closed pipe
        }
        System.exit(0);
    }

    private static void close(Node node) {
        try {
            node.close();
        } catch (IOException e) {
            System.err.println("search node did not close cleanly: " + e);
        }
    }
}
