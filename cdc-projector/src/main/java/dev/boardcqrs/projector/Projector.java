package dev.boardcqrs.projector;

import dev.boardcqrs.common.board.KeyScheme;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.metrics.ServiceMetrics;
import dev.boardcqrs.common.web.ApiException;
import dev.boardcqrs.common.web.HttpApps;
import dev.boardcqrs.projector.apply.BatchApplier;
import dev.boardcqrs.projector.apply.ProjectorStatus;
import dev.boardcqrs.projector.apply.RedisDataLostException;
import dev.boardcqrs.projector.board.BoardProjection;
import dev.boardcqrs.projector.deadletter.DeadLetter;
import dev.boardcqrs.projector.deadletter.DeadLetters;
import dev.boardcqrs.projector.engine.CdcEngine;
import dev.boardcqrs.projector.engine.EngineProperties;
import dev.boardcqrs.projector.engine.OffsetFile;
import dev.boardcqrs.projector.engine.ServerKind;
import dev.boardcqrs.projector.engine.SourceDatabase;
import dev.boardcqrs.projector.metrics.ProjectorMetrics;
import dev.boardcqrs.projector.redis.RedisModelWriter;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
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
    private final KeyScheme keys;
    private final SourceDatabase source;
    private final Javalin http;
    private final DeadLetters deadLetters;
    private final ProjectorMetrics metrics;
    private ServerKind kind;
    private CdcEngine engine;
    private boolean closed;

    public Projector(ProjectorConfig config, UnifiedJedis redis) {
        this.config = config;
        this.redis = redis;
        this.keys = new KeyScheme(config.namespace());
        this.source = new SourceDatabase(config.databaseUrl(), config.databaseUser(), config.databasePassword());
        this.deadLetters = new DeadLetters(redis, keys, Clock.systemUTC());
        ServiceMetrics serviceMetrics = new ServiceMetrics("cdc-projector");
        this.metrics = new ProjectorMetrics(serviceMetrics.registry(), status, deadLetters::count);
        this.http = HttpApps.create(config.host(), config.port(), serviceMetrics, routes -> {
            routes.get("/health", ctx -> {
                if (status.state() == ProjectorStatus.State.FAILED) {
                    throw ApiException.unavailable("projector failed: " + status.toMap().get("failure"));
                }
                ctx.json(Map.of("status", "UP", "state", status.state().name()));
            });
            routes.get("/status", ctx -> {
                Map<String, Object> body = new LinkedHashMap<>(status.toMap());
                body.put("sourceBinlogEnd", source.binlogEnd());
                body.put("watermark", redis.hget(keys.meta(), "watermark"));
                body.put("deadLetters", deadLetters.count());
                ctx.json(body);
            });
            routes.get("/deadletters", ctx -> ctx.json(Map.of("deadLetters",
                    deadLetters.list().stream().map(DeadLetter::toMap).toList())));
            routes.post("/deadletters/retry", ctx -> ctx.json(retryDeadLetters()));
            // operator commands (cdc-projector rebuild); the endpoint binds to 127.0.0.1 unless configured
            routes.post("/replay", ctx -> {
                String from = ctx.queryParam("from");
                if (from == null || from.isBlank()) {
                    throw ApiException.badRequest("from is required: FILE:POSITION or gtid:SET");
                }
                try {
                    replay(from);
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest(e.getMessage());
                }
                ctx.status(202).json(Map.of("status", "replaying", "from", from));
            });
            routes.post("/rebuild", ctx -> {
                rebuild("requested by an operator");
                ctx.status(202).json(Map.of("status", "rebuilding", "progress", "GET /status"));
            });
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
        RedisModelWriter writer = new RedisModelWriter(redis, keys, config.modelTtl(),
                config.boardListLength());
        String watermark = writer.watermark();
        if (watermark == null && Files.exists(config.offsetFile())) {
            // Redis was flushed or restarted empty while our offsets say we had written to it: what it held
            // is gone, so build it again from a new snapshot (readers use SQL until it is done)
            log.warn("Redis holds no watermark but offsets exist in {}: rebuilding the query models from a new "
                    + "snapshot", config.offsetFile());
            forgetOffsets();
        }
        BatchApplier applier = new BatchApplier(new BoardProjection(), writer, status, watermark, source::boardRows,
                metrics, deadLetters);
        engine = new CdcEngine(EngineProperties.of(config, kind), applier, status, this::engineFailed);
        engine.start();
    }

    // Runs on the engine thread, which cannot stop its own engine: a rebuild gets a thread of its own.
    private void engineFailed(Throwable error) {
        metrics.error("engine");
        if (causedBy(error, RedisDataLostException.class)) {
            rebuild("Redis lost the query models while streaming");
        } else if (String.valueOf(rootMessage(error)).contains("no longer available on the server")) {
            String message = "the binlog position in " + config.offsetFile() + " is no longer on the server (purged); "
                    + "run `java -jar cdc-projector.jar rebuild` to build the query models from a new snapshot";
            log.error(message);
            status.failed(message);
        }
    }

    /** Plans and applies every dead letter again with this projector's projection; see {@link DeadLetters}. */
    public DeadLetters.RetryResult retryDeadLetters() {
        return deadLetters.retryAll(new BoardProjection()::plan,
                new RedisModelWriter(redis, keys, config.modelTtl(), config.boardListLength()));
    }

    /** Builds the query models again from a new snapshot; readers use SQL until it is done. */
    public void rebuild(String reason) {
        Thread rebuild = new Thread(() -> {
            synchronized (this) {
                if (closed) {
                    return;
                }
                log.warn("rebuilding the query models from a new snapshot: {}", reason);
                engine.close();
                forgetOffsets();
                startEngine();
            }
        }, "projector-rebuild");
        rebuild.start();
    }

    /**
     * Streams the binlog again from {@code from}. Changes the models already contain are skipped (watermark and
     * model positions), so replaying applied history changes nothing.
     */
    public synchronized void replay(String from) {
        OffsetFile.parse(from); // reject a bad position before stopping anything
        log.warn("replaying the binlog from {}", from);
        engine.close();
        try {
            OffsetFile.resumeFrom(config.offsetFile(), from, kind, source);
        } finally {
            startEngine(); // from the new position, or where it was if that could not be written
        }
    }

    private static String rootMessage(Throwable error) {
        String message = null;
        for (Throwable t = error; t != null; t = t.getCause()) {
            message = t.getMessage() != null ? t.getMessage() : message;
            if (t.getMessage() != null && t.getMessage().contains("no longer available")) {
                return t.getMessage();
            }
        }
        return message;
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
