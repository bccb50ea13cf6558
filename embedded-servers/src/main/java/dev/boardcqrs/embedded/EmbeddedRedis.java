package dev.boardcqrs.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/** A Redis server from embedded-redis's bundled binary, on a free loopback port, keeping nothing on disk. */
public final class EmbeddedRedis implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);

    private final RedisServer server;
    private final int port;

    private EmbeddedRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static EmbeddedRedis start() {
        return start(null);
    }

    /** A Redis that refuses clients without this password (AUTH), for testing credentials in REDIS_URL. */
    public static EmbeddedRedis startWithPassword(String password) {
        return start(password);
    }

    private static EmbeddedRedis start(String password) {
        int port = FreePort.find();
        try {
            RedisServer server = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    // models with values up to 2 KB (an article's content) stay compact listpacks instead of hash
                    // tables: 45% less memory per article model (the projector's CompactModels says why)
                    .setting("hash-max-ziplist-value 2048")
                    .settingIf(password != null, "requirepass " + password)
                    .build();
            server.start();
            log.info("Redis started on 127.0.0.1:{}", port);
            return new EmbeddedRedis(server, port);
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Redis did not start on port " + port, e);
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /**
     * Kills the server and keeps its port: clients find nothing listening, as when Redis dies. {@link #startAgain}
     * brings it back on the same port, empty (it keeps nothing on disk), as a restarted Redis without persistence.
     */
    public void kill() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("Redis on port " + port + " did not stop", e);
        }
        log.info("Redis on 127.0.0.1:{} stopped", port);
    }

    public void startAgain() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Redis did not start again on port " + port, e);
        }
        log.info("Redis started again on 127.0.0.1:{}", port);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (IOException e) {
            log.warn("Redis on port {} did not stop cleanly: {}", port, e.getMessage());
        }
    }
}
