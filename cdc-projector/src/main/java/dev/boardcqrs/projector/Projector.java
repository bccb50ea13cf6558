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
import dev.boardcqrs.projector.engine.ReconnectDelay;
import dev.boardcqrs.projector.engine.ServerKind;
import dev.boardcqrs.projector.engine.SourceDatabase;
import dev.boardcqrs.projector.generation.Generation;
import dev.boardcqrs.projector.generation.Generations;
import dev.boardcqrs.projector.metrics.ProjectorMetrics;
import dev.boardcqrs.projector.redis.RedisModelWriter;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * cdc-projector, built from its dependencies: the Debezium engine feeding the board projection into Redis,
 * plus a small HTTP endpoint for /health, /status and the operator commands. Main and the tests build the
 * same thing.
 *
 * <p>The models live in generations (see {@link dev.boardcqrs.common.board.KeyScheme}). The active generation's
 * engine streams into it. A rebuild starts a second engine that snapshots into a new generation while the active
 * one keeps serving; the batch that brings the new one level switches readers to it, and the old one is
 * stopped and removed. When the active generation cannot be resumed (first start, Redis lost its data, offsets
 * gone), a new generation is built in place: readers use SQL until its snapshot is done.
 */
public final class Projector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Projector.class);

    private final ProjectorConfig config;
    private final UnifiedJedis redis;
    private final Generations generations;
    private final SourceDatabase source;
    private final Javalin http;
    // switches and removals of generations, off the engine threads (an engine cannot stop itself)
    private final ExecutorService housekeeping = Executors.newSingleThreadExecutor(runnable ->
            new Thread(runnable, "projector-generations"));
    private final DeadLetters deadLetters;
    private final ProjectorMetrics metrics;
    private final ReconnectDelay reconnectDelay = new ReconnectDelay(Clock.systemUTC());
    private ServerKind kind;
    private volatile Pipeline current;
    private volatile Pipeline rebuild;
    private boolean closed;

    public Projector(ProjectorConfig config, UnifiedJedis redis) {
        this.config = config;
        this.redis = redis;
        this.generations = new Generations(redis, config.namespace());
        this.source = new SourceDatabase(config.databaseUrl(), config.databaseUser(), config.databasePassword());
        this.deadLetters = new DeadLetters(redis, new KeyScheme(config.namespace()), Clock.systemUTC());
        ServiceMetrics serviceMetrics = new ServiceMetrics("cdc-projector");
        this.metrics = new ProjectorMetrics(serviceMetrics.registry(), this::status, deadLetters::count);
        this.http = HttpApps.create(config.host(), config.port(), serviceMetrics, routes -> {
            routes.get("/health", ctx -> {
                ProjectorStatus status = status();
                if (status.state() == ProjectorStatus.State.FAILED) {
                    throw ApiException.unavailable("projector failed: " + status.toMap().get("failure"));
                }
                ctx.json(Map.of("status", "UP", "state", status.state().name()));
            });
            routes.get("/status", ctx -> ctx.json(statusBody()));
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
                Generation building;
                try {
                    building = rebuild("requested by an operator");
                } catch (IllegalStateException e) {
                    throw ApiException.conflict(e.getMessage());
                }
                ctx.status(202).json(Map.of("status", "rebuilding", "generation", building.name(),
                        "progress", "GET /status"));
            });
        });
    }

    /** Connects to the database to pick the connector, then starts the engine and the HTTP endpoint. */
    public Projector start() throws SQLException {
        kind = serverKind();
        createParentDirectories(config.offsetFile());
        createParentDirectories(config.schemaHistoryFile());
        resumeOrBuild();
        http.start();
        log.info("cdc-projector reading {} with the {} connector into {} (namespace '{}', generation {}), offsets in {}",
                Env.redacted(config.databaseUrl()), kind, Env.redacted(config.redisUrl()),
                config.namespace(), current.generation(), current.generation().offsetFile(config));
        return this;
    }

    private synchronized void resumeOrBuild() {
        Optional<Generation> active = generations.active();
        generations.retired().stream().filter(old -> !active.equals(Optional.of(old))).forEach(this::retire);
        Optional<Generation> interrupted = generations.rebuilding();
        interrupted.ifPresent(left -> {
            log.warn("a rebuild into generation {} was interrupted by a stop; starting it over", left);
            generations.stopRebuilding();
            retire(left);
        });
        String cannotResume = active.isEmpty() ? "no generation of the query models exists yet"
                : whyNotResumable(active.get());
        if (cannotResume != null) {
            buildInPlace(cannotResume, new ProjectorStatus(Clock.systemUTC()));
            return;
        }
        current = pipeline(active.get(), new ProjectorStatus(Clock.systemUTC()));
        if (interrupted.isPresent()) {
            rebuild("continuing a rebuild that a stop interrupted");
        }
    }

    /** Why the engine cannot carry on streaming into {@code generation}, or null when it can. */
    private String whyNotResumable(Generation generation) {
        if (!Files.exists(generation.offsetFile(config))) {
            return "generation " + generation + " has no offsets in " + generation.offsetFile(config);
        }
        if (writer(generation).watermark() == null) {
            // Redis was flushed or restarted empty while our offsets say we had written to it
            return "Redis holds no watermark for generation " + generation + ": its data was lost";
        }
        return null;
    }

    /** Makes a new generation active at once and snapshots into it; readers use SQL until it is built. */
    private void buildInPlace(String reason, ProjectorStatus status) {
        Optional<Generation> old = generations.active();
        Generation next = nextGeneration();
        log.warn("building the query models into generation {} from a new snapshot: {}", next, reason);
        generations.activate(next);
        current = pipeline(next, status);
        old.filter(generation -> !generation.equals(next)).ifPresent(this::retire);
    }

    /**
     * Builds the query models again from a new snapshot into a new generation while the active one keeps
     * serving, and switches readers to it once it has caught up. With nothing to snapshot, the new generation
     * becomes active at once.
     *
     * @throws IllegalStateException when a rebuild is already running
     */
    public synchronized Generation rebuild(String reason) {
        if (closed) {
            throw new IllegalStateException("the projector is stopping");
        }
        if (rebuild != null) {
            throw new IllegalStateException("a rebuild into generation " + rebuild.generation()
                    + " is already running; see GET /status");
        }
        if (source.boardRows() == 0) {
            current.close();
            buildInPlace(reason + " (the tables are empty)", current.status());
            return current.generation();
        }
        Generation next = nextGeneration();
        generations.startRebuilding(next);
        rebuild = pipeline(next, new ProjectorStatus(Clock.systemUTC()),
                () -> housekeeping.execute(() -> switchTo(next)));
        log.info("rebuilding into generation {} while generation {} keeps serving: {}", next, current.generation(),
                reason);
        return next;
    }

    // readers already use the rebuilt generation (switched in the batch that brought it level)
    private synchronized void switchTo(Generation generation) {
        if (rebuild == null || !rebuild.generation().equals(generation)) {
            return;
        }
        Pipeline built = rebuild;
        Pipeline old = current;
        current = built;
        rebuild = null;
        log.info("generation {} is active: its rebuild caught up with generation {} at {}; removing {}",
                built.generation(), old.generation(), built.writer().watermark(), old.generation());
        old.close();
        retire(old.generation());
    }

    /** Stops using {@code generation}: its keys and engine files go. Readers no longer use it. */
    private void retire(Generation generation) {
        try {
            generations.remove(generation);
            forgetOffsets(generation);
        } catch (RuntimeException e) {
            log.warn("could not remove generation {} ({}); remove its keys with SCAN/UNLINK of {}", generation,
                    e.toString(), generation.keys(config.namespace()).everything());
        }
    }

    private Generation nextGeneration() {
        long highest = Math.max(current == null ? 0 : current.generation().number(),
                rebuild == null ? 0 : rebuild.generation().number());
        Generation next = generations.next(highest);
        forgetOffsets(next);
        return next;
    }

    private RedisModelWriter writer(Generation generation) {
        return new RedisModelWriter(redis, generation.keys(config.namespace()), config.modelTtl(),
                config.boardListLength());
    }

    private Pipeline pipeline(Generation generation, ProjectorStatus status) {
        return pipeline(generation, status, null);
    }

    /**
     * The engine and writer for {@code generation}; {@code onActivated} (for a rebuild's generation, else null)
     * runs when it takes over from the active one.
     */
    private Pipeline pipeline(Generation generation, ProjectorStatus status, Runnable onActivated) {
        RedisModelWriter writer = writer(generation);
        if (onActivated != null) {
            writer.activateWhenCaughtUp(onActivated); // before the first batch: until then it is not read
        }
        BatchApplier applier = new BatchApplier(new BoardProjection(), writer, status, writer.watermark(),
                source::boardRows, metrics, deadLetters, config.maxBatchSize());
        CdcEngine engine = new CdcEngine(EngineProperties.of(config, kind, generation), applier, status,
                error -> engineFailed(generation, error));
        String purged = purgedPosition(generation);
        if (purged == null) {
            engine.start();
        } else {
            purged(generation, purged, status);
        }
        return new Pipeline(generation, status, writer, engine);
    }

    /**
     * The stored position when the server no longer has its binlog file, else null. MariaDB, asked for a
     * GTID from a purged file, may start at the oldest file it still has and skip what was in between
     * without a word, so this is checked before the engine starts rather than left to the connector.
     */
    private String purgedPosition(Generation generation) {
        Path offsets = generation.offsetFile(config);
        if (!Files.exists(offsets)) {
            return null;
        }
        String position = OffsetFile.storedPosition(offsets, EngineProperties.topicPrefix(generation));
        log.info("generation {} resumes from binlog position {}", generation, position);
        if (position == null || position.startsWith(":") || source.hasBinlog(position.substring(0, position.lastIndexOf(':')))) {
            return null;
        }
        return position;
    }

    private void purged(Generation generation, String position, ProjectorStatus status) {
        String message = "the binlog position " + position + " in " + generation.offsetFile(config)
                + " is no longer on the server (purged); run `java -jar cdc-projector.jar rebuild` to build the query "
                + "models from a new snapshot";
        log.error(message);
        status.failed(message);
    }

    // Runs on the engine thread, which cannot stop its own engine: the reaction gets a thread of its own.
    private void engineFailed(Generation generation, Throwable error) {
        metrics.error("engine");
        if (causedBy(error, RedisDataLostException.class)) {
            housekeeping.execute(() -> dataLost(generation));
        } else if (String.valueOf(rootMessage(error)).contains("no longer available on the server")) {
            String position = OffsetFile.storedPosition(generation.offsetFile(config), EngineProperties.topicPrefix(generation));
            purged(generation, String.valueOf(position),
                    (rebuild != null && rebuild.generation().equals(generation) ? rebuild : current).status());
        } else if (rootCause(error) instanceof IOException || !source.reachable()) {
            housekeeping.execute(() -> reconnect(generation));
        }
    }

    /**
     * Debezium's MySQL connector (3.5) stops for good when the server closes the binlog connection, as a restart
     * of the server does (MariaDB's reconnects by itself): once the database answers again, start the active
     * generation's engine again from its offsets, waiting longer each time it is still away. A rebuild's engine
     * is left failed.
     */
    private void reconnect(Generation generation) {
        Duration delay = reconnectDelay.next();
        log.warn("generation {} lost its database connection; trying again in {} ms", generation, delay.toMillis());
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!source.reachable()) {
            try {
                housekeeping.execute(() -> reconnect(generation));
            } catch (RejectedExecutionException stopping) {
                // the projector is closing
            }
            return;
        }
        synchronized (this) {
            if (closed || !current.generation().equals(generation)) {
                return;
            }
            current.close();
            current = pipeline(generation, current.status());
        }
    }

    private synchronized void dataLost(Generation generation) {
        if (closed) {
            return;
        }
        if (rebuild != null) {
            log.warn("Redis lost the query models: abandoning the rebuild into generation {}", rebuild.generation());
            rebuild.close();
            generations.stopRebuilding();
            retire(rebuild.generation());
            rebuild = null;
        }
        if (current.generation().equals(generation)) {
            current.close();
            buildInPlace("Redis lost the query models while streaming", current.status());
        }
    }

    /** Plans and applies every dead letter again into the active generation; see {@link DeadLetters}. */
    public DeadLetters.RetryResult retryDeadLetters() {
        return deadLetters.retryAll(new BoardProjection()::plan, writer(current.generation()));
    }

    /**
     * Streams the binlog again from {@code from}. Changes the models already contain are skipped (watermark and
     * model positions), so replaying applied history changes nothing.
     */
    public synchronized void replay(String from) {
        OffsetFile.parse(from); // reject a bad position before stopping anything
        Generation generation = current.generation();
        log.warn("replaying the binlog from {} into generation {}", from, generation);
        current.close();
        try {
            OffsetFile.resumeFrom(generation.offsetFile(config), EngineProperties.topicPrefix(generation), from, kind,
                    source);
        } finally {
            // from the new position, or where it was if that could not be written
            current = pipeline(generation, current.status());
        }
    }

    private Map<String, Object> statusBody() {
        // both at once: read apart, a switch in between showed the old generation without its rebuild, which
        // the rebuild command took for an abandoned rebuild (MySQL's slower binlogEnd below widened the gap)
        Pipeline active;
        Pipeline building;
        synchronized (this) {
            active = current;
            building = rebuild;
        }
        Map<String, Object> body = new LinkedHashMap<>(active.status().toMap());
        body.put("sourceBinlogEnd", source.binlogEnd());
        body.put("generation", active.generation().name());
        body.put("watermark", active.writer().watermark());
        body.put("deadLetters", deadLetters.count());
        if (building != null) {
            Map<String, Object> progress = new LinkedHashMap<>();
            progress.put("generation", building.generation().name());
            progress.put("state", building.status().state().name());
            progress.put("snapshotProgress", building.status().snapshotProgress());
            progress.put("snapshotRows", building.status().snapshotRows());
            progress.put("failure", building.status().toMap().get("failure"));
            body.put("rebuild", progress);
        }
        return body;
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

    private static Throwable rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root;
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private void forgetOffsets(Generation generation) {
        try {
            Files.deleteIfExists(generation.offsetFile(config));
            Files.deleteIfExists(generation.schemaHistoryFile(config));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the offsets in " + generation.offsetFile(config), e);
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

    /** The generation readers use. */
    public Generation activeGeneration() {
        return current.generation();
    }

    /** What the active generation's engine has done. */
    public ProjectorStatus status() {
        return current.status();
    }

    public int port() {
        return http.port();
    }

    /**
     * Stops the engines first (each finishes the batch in flight and commits offsets), then the HTTP endpoint.
     * A rebuild that is still running starts over on the next start. Closing twice is harmless.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (rebuild != null) {
                rebuild.close();
            }
            if (current != null) {
                current.close();
            }
        }
        housekeeping.shutdown();
        try {
            housekeeping.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.stop();
    }
}
