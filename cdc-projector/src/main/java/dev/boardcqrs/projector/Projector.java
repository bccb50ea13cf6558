package dev.boardcqrs.projector;

import dev.boardcqrs.common.board.KeyScheme;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.web.ApiException;
import dev.boardcqrs.common.web.HttpApps;
import dev.boardcqrs.projector.apply.BatchApplier;
import dev.boardcqrs.projector.apply.ProjectorStatus;
import dev.boardcqrs.projector.apply.RedisDataLostException;
import dev.boardcqrs.projector.board.BoardProjection;
import dev.boardcqrs.projector.engine.CdcEngine;
import dev.boardcqrs.projector.engine.EngineProperties;
import dev.boardcqrs.projector.engine.ServerKind;
import dev.boardcqrs.projector.redis.RedisModelWriter;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * cdc-projector, built from its dependencies: the Debezium engine feeding the board projection into Redis,
 * plus a small HTTP endpoint for /health and /status. Main and the tests build the same thing.
 */
public final class Projector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Projector.class);

    private final ProjectorConfig config;
    private final UnifiedJedis redis;
    private final ProjectorStatus status = new ProjectorStatus(Clock.systemUTC());
    private final Javalin http;
    private ServerKind kind;
    private CdcEngine engine;
    private boolean closed;

    public Projector(ProjectorConfig config, UnifiedJedis redis) {
        this.config = config;
        this.redis = redis;
        this.http = HttpApps.create(config.host(), config.port(), routes -> {
            routes.get("/health", ctx -> {
                if (status.state() == ProjectorStatus.State.FAILED) {
                    throw ApiException.unavailable("projector failed: " + status.toMap().get("failure"));
                }
                ctx.json(Map.of("status", "UP", "state", status.state().name()));
            });
            routes.get("/status", ctx -> ctx.json(status.toMap()));
        });
    }

    /** Connects to the database to pick the connector, then starts the engine and the HTTP endpoint. */
    public Projector start() throws SQLException {
        kind = serverKind();
        createParentDirectories(config.offsetFile());
        createParentDirectories(config.schemaHistoryFile());
        startEngine();
        http.start();
        log.info("cdc-projector reading {} with the {} connector into {} (namespace '{}'), offsets in {}",
                Env.redacted(config.databaseUrl()), kind, Env.redacted(config.redisUrl()),
                config.namespace(), config.offsetFile());
        return this;
    }

    private synchronized void startEngine() {
        RedisModelWriter writer = new RedisModelWriter(redis, new KeyScheme(config.namespace()), config.modelTtl(),
                config.boardListLength());
        String watermark = writer.watermark();
        if (watermark == null && Files.exists(config.offsetFile())) {
            // Redis was flushed or restarted empty while our offsets say we had written to it: what it held
            // is gone, so build it again from a new snapshot (readers use SQL until it is done)
            log.warn("Redis holds no watermark but offsets exist in {}: rebuilding the query models from a new "
                    + "snapshot", config.offsetFile());
            forgetOffsets();
        }
        BatchApplier applier = new BatchApplier(new BoardProjection(), writer, status, watermark);
        engine = new CdcEngine(EngineProperties.of(config, kind), applier, status, this::engineFailed);
        engine.start();
    }

    // Runs on the engine thread, which cannot stop its own engine: the rebuild gets a thread of its own.
    private void engineFailed(Throwable error) {
        if (causedBy(error, RedisDataLostException.class)) {
            Thread rebuild = new Thread(() -> {
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    engine.close();
                    log.warn("Redis lost the query models while streaming; rebuilding from a new snapshot");
                    forgetOffsets();
                    startEngine();
                }
            }, "projector-rebuild");
            rebuild.start();
        }
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private void forgetOffsets() {
        try {
            Files.deleteIfExists(config.offsetFile());
            Files.deleteIfExists(config.schemaHistoryFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the offsets in " + config.offsetFile(), e);
        }
    }

    private ServerKind serverKind() throws SQLException {
        return switch (config.connector()) {
            case "mysql" -> ServerKind.MYSQL;
            case "mariadb" -> ServerKind.MARIADB;
            default -> ServerKind.detect(config.databaseUrl(), config.databaseUser(), config.databasePassword());
        };
    }

    private static void createParentDirectories(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + parent, e);
        }
    }

    public ProjectorStatus status() {
        return status;
    }

    public int port() {
        return http.port();
    }

    /**
     * Stops the engine first (it finishes the batch in flight and commits offsets), then the HTTP endpoint.
     * Closing twice is harmless.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (engine != null) {
            engine.close();
        }
        http.stop();
    }
}
