package dev.boardcqrs.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.embedded.RedisServer;

/**
 * A Redis Cluster of masters without replicas, from the redis-server 6.2 binary embedded-redis bundles (the one
 * {@link EmbeddedRedis} runs), on free loopback ports, keeping nothing once closed. The 16,384 slots are split in
 * equal ranges (CLUSTER ADDSLOTS), the nodes introduced to the first (CLUSTER MEET), and {@link #start} returns once
 * every node says {@code cluster_state:ok} and knows all the others: a client that connects then sees the whole map.
 */
public final class EmbeddedRedisCluster implements AutoCloseable {
    public static final int SLOTS = 16_384;
    /** Redis 6.2 listens for its cluster bus on the client port + 10,000 (a setting of its own only from 7.0). */
    private static final int BUS_OFFSET = 10_000;
    private static final Duration FORMED_WITHIN = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedisCluster.class);

    private final List<RedisServer> servers;
    private final List<Integer> ports;
    private final Path home;

    private EmbeddedRedisCluster(List<RedisServer> servers, List<Integer> ports, Path home) {
        this.servers = servers;
        this.ports = ports;
        this.home = home;
    }

    /** Three masters, the smallest cluster Redis calls healthy. */
    public static EmbeddedRedisCluster start() {
        return start(3);
    }

    public static EmbeddedRedisCluster start(int masters) {
        if (masters < 1) {
            throw new IllegalArgumentException("a cluster needs at least one master, but " + masters + " were asked");
        }
        Path home;
        try {
            home = Files.createTempDirectory("redis-cluster");
        } catch (IOException e) {
            throw new UncheckedIOException("no temporary directory for the Redis Cluster's node files", e);
        }
        EmbeddedRedisCluster cluster = new EmbeddedRedisCluster(new ArrayList<>(), new ArrayList<>(), home);
        try {
            for (int i = 0; i < masters; i++) {
                cluster.startNode();
            }
            cluster.form();
            log.info("Redis Cluster started: {}", cluster.nodes());
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw new IllegalStateException("embedded Redis Cluster did not start: " + e.getMessage(), e);
        }
    }

    private void startNode() throws IOException {
        int port = freePortWithFreeBus();
        RedisServer server = RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("cluster-enabled yes")
                // each node rewrites its own file with what it learns of the cluster
                .setting("cluster-config-file " + home.resolve("nodes-" + port + ".conf"))
                .setting("cluster-node-timeout 5000")
                .setting("dir " + home)
                .setting("save \"\"")
                .setting("appendonly no")
                // as EmbeddedRedis: article models stay compact listpacks
                .setting("hash-max-ziplist-value 2048")
                .build();
        server.start();
        servers.add(server);
        ports.add(port);
    }

    private static int freePortWithFreeBus() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = FreePort.find();
            if (port + BUS_OFFSET <= 65_535 && isFree(port + BUS_OFFSET)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port p with p + " + BUS_OFFSET + " free too");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Slots in equal ranges, then every node met by the first; waits until all agree the cluster is whole. */
    private void form() {
        int masters = ports.size();
        for (int i = 0; i < masters; i++) {
            int first = SLOTS * i / masters;
            int last = SLOTS * (i + 1) / masters - 1;
            int[] slots = new int[last - first + 1];
            for (int slot = first; slot <= last; slot++) {
                slots[slot - first] = slot;
            }
            try (Jedis node = node(i)) {
                node.clusterAddSlots(slots);
            }
        }
        try (Jedis first = node(0)) {
            for (int i = 1; i < masters; i++) {
                first.clusterMeet("127.0.0.1", ports.get(i));
            }
        }
        long deadline = System.nanoTime() + FORMED_WITHIN.toNanos();
        while (!formed()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the nodes " + nodes() + " did not agree on a whole cluster within "
                        + FORMED_WITHIN.toSeconds() + " s");
            }
            pause();
        }
    }

    private boolean formed() {
        for (int i = 0; i < ports.size(); i++) {
            try (Jedis node = node(i)) {
                String info = node.clusterInfo();
                if (!info.contains("cluster_state:ok")
                        || !info.contains("cluster_known_nodes:" + ports.size() + "\r\n")) {
                    return false;
                }
            } catch (JedisException e) {
                return false;
            }
        }
        return true;
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the Redis Cluster formed", e);
        }
    }

    private Jedis node(int index) {
        return new Jedis("127.0.0.1", ports.get(index));
    }

    /** The masters' client ports, in slot order: the first serves slots 0.., the last ..16383. */
    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    /** "127.0.0.1:P1,127.0.0.1:P2,...": what a cluster client needs to find the rest. */
    public String nodes() {
        return String.join(",", ports.stream().map(port -> "127.0.0.1:" + port).toList());
    }

    /** The cluster as REDIS_URL names it: {@code redis-cluster://h1:p1,h2:p2,...}. */
    public String url() {
        return "redis-cluster://" + nodes();
    }

    /** Stops every node and removes their files. */
    @Override
    public void close() {
        for (int i = 0; i < servers.size(); i++) {
            try {
                servers.get(i).stop();
            } catch (IOException e) {
                log.warn("Redis Cluster node on port {} did not stop cleanly: {}", ports.get(i), e.getMessage());
            }
        }
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.warn("the Redis Cluster's files in {} were not all removed: {}", home, e.getMessage());
        }
    }
}
