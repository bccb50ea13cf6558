package dev.boardcqrs.kafka.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.Kafka;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.connect.cli.ConnectDistributed;

/**
 * A Kafka broker or a Kafka Connect worker, what embedded-servers starts as a process of its own (java -cp on this
 * module's "dist" files) for the tests and, later, the launcher. Two modes:
 * <ul>
 *   <li>{@code broker SERVER_PROPERTIES READY_FILE}: formats the log directories of a new single-node KRaft
 *   cluster (a fresh cluster id each time), runs the node, and writes READY_FILE once the node answers a client:
 *   its parent waits for that file, as it has no Kafka client to ask with;</li>
 *   <li>{@code connect WORKER_PROPERTIES}: a distributed-mode Connect worker; its REST API says when it is up.</li>
 * </ul>
 * It stops on SIGTERM, and when its standard input closes: the JVM that started it holds that pipe open, so a parent
 * killed with SIGKILL takes it along.
 */
public final class KafkaNode {

    private KafkaNode() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("broker")) {
            watchParent();
            broker(Path.of(args[1]), Path.of(args[2]));
        } else if (args.length == 2 && args[0].equals("connect")) {
            watchParent();
            // runs until stopped; exits the JVM itself if the worker cannot start
            ConnectDistributed.main(new String[] {args[1]});
        } else {
            System.err.println("usage: KafkaNode broker SERVER_PROPERTIES READY_FILE"
                    + " | KafkaNode connect WORKER_PROPERTIES");
            System.exit(2);
        }
    }

    private static void broker(Path serverProperties, Path readyFile) throws IOException {
        int formatted = StorageTool.execute(new String[] {"format", "--config", serverProperties.toString(),
                "--cluster-id", Uuid.randomUuid().toString()}, System.out);
        if (formatted != 0) {
            System.err.println("formatting the log directories failed with " + formatted);
            System.exit(1);
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(serverProperties)) {
            properties.load(in);
        }
        String bootstrap = properties.getProperty("advertised.listeners").replaceFirst("^[A-Z_]+://", "");
        Thread ready = new Thread(() -> announceWhenServing(bootstrap, readyFile), "kafka-node-ready");
        ready.setDaemon(true);
        ready.start();
        // runs the node until SIGTERM (its shutdown hook stops it), then exits the JVM
        Kafka.main(new String[] {serverProperties.toString()});
    }

    /** Writes {@code readyFile} once the broker answers a client, as the first client of ours would ask it. */
    private static void announceWhenServing(String bootstrap, Path readyFile) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            while (admin.describeCluster().nodes().get(60, TimeUnit.SECONDS).isEmpty()) {
                Thread.sleep(100);
            }
            Files.writeString(readyFile, "ready\n");
            System.out.println("kafka broker serving on " + bootstrap);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | ExecutionException | TimeoutException e) {
            System.err.println("kafka broker did not answer on " + bootstrap + ": " + e);
        }
    }

    /** Not a daemon: the parent never writes to our standard input, so end of stream means it is gone. */
    private static void watchParent() {
        new Thread(KafkaNode::exitWhenParentGone, "kafka-node-parent-watch").start();
    }

    private static void exitWhenParentGone() {
        try {
            System.in.transferTo(OutputStream.nullOutputStream()); // returns at end of stream
        } catch (IOException e) {
            // the same as a closed pipe
        }
        System.exit(0);
    }
}
