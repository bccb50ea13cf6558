package dev.boardcqrs.projector.source.debezium;

import dev.boardcqrs.projector.ProjectorConfig;
import dev.boardcqrs.projector.apply.ProjectorStatus;
import dev.boardcqrs.projector.generation.Generation;
import dev.boardcqrs.projector.source.ChangeHandler;
import dev.boardcqrs.projector.source.ChangeSource;
import dev.boardcqrs.projector.source.ChangeSources;
import dev.boardcqrs.projector.source.StreamHandlers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The binlog of a MySQL or MariaDB server, read by one embedded Debezium engine per generation. Each generation
 * keeps its own offset and schema history files (see {@link Generation#offsetFile}), so a rebuild's engine
 * snapshots while the active one streams.
 */
public final class DebeziumSources implements ChangeSources {
    private static final Logger log = LoggerFactory.getLogger(DebeziumSources.class);

    private final ProjectorConfig config;
    private final List<String> tables;
    private final SourceDatabase database;
    private final ServerKind kind;
    private final ServerIds serverIds;

    private DebeziumSources(ProjectorConfig config, List<String> tables, SourceDatabase database, ServerKind kind) {
        this.config = config;
        this.tables = List.copyOf(tables);
        this.database = database;
        this.kind = kind;
        this.serverIds = new ServerIds(config.serverId());
    }

    /**
     * Asks the server what it is (unless PROJECTOR_CONNECTOR says) to pick the connector; {@code tables}: what the
     * registered read models read.
     */
    public static DebeziumSources connect(ProjectorConfig config, List<String> tables) throws SQLException {
        ServerKind kind = switch (config.connector()) {
            case "mysql" -> ServerKind.MYSQL;
            case "mariadb" -> ServerKind.MARIADB;
            default -> ServerKind.detect(config.databaseUrl(), config.databaseUser(), config.databasePassword());
        };
        createParentDirectories(config.offsetFile());
        createParentDirectories(config.schemaHistoryFile());
        return new DebeziumSources(config, tables,
                new SourceDatabase(config.databaseUrl(), config.databaseUser(), config.databasePassword()), kind);
    }

    @Override
    public ChangeSource open(Generation generation, StreamHandlers handlers, ProjectorStatus status,
                             Consumer<Throwable> onFailure) {
        ChangeHandler handler = handlers.open(null).handler();
        Properties properties = EngineProperties.of(config, kind, generation, tables);
        long serverId = serverIds.acquire(generation);
        properties.setProperty("database.server.id", Long.toString(serverId));
        return new DebeziumSource(properties, handler, status, onFailure, () -> serverIds.release(serverId));
    }

    @Override
    public String whyNotResumable(Generation generation) {
        Path offsets = generation.offsetFile(config);
        return Files.exists(offsets) ? null : "generation " + generation + " has no offsets in " + offsets;
    }

    /**
     * MariaDB, asked for a GTID from a purged file, may start at the oldest file it still has and skip what was in
     * between without a word, so this is checked before the engine starts rather than left to the connector.
     */
    @Override
    public String lostPosition(Generation generation) {
        Path offsets = generation.offsetFile(config);
        if (!Files.exists(offsets)) {
            return null;
        }
        String position = OffsetFile.storedPosition(offsets, EngineProperties.topicPrefix(generation));
        log.info("generation {} resumes from binlog position {}", generation, position);
        if (position == null || position.startsWith(":")
                || database.hasBinlog(position.substring(0, position.lastIndexOf(':')))) {
            return null;
        }
        return position + " in " + offsets;
    }

    @Override
    public void forget(Generation generation) {
        try {
            Files.deleteIfExists(generation.offsetFile(config));
            Files.deleteIfExists(generation.schemaHistoryFile(config));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the offsets in " + generation.offsetFile(config), e);
        }
    }

    @Override
    public long rowsToSnapshot() {
        return database.rows(tables);
    }

    @Override
    public boolean reachable() {
        return database.reachable();
    }

    @Override
    public String end() {
        return database.binlogEnd();
    }

    @Override
    public void replayFrom(Generation generation, String from) {
        OffsetFile.resumeFrom(generation.offsetFile(config), EngineProperties.topicPrefix(generation), from, kind,
                database);
    }

    @Override
    public void checkPosition(String from) {
        OffsetFile.parse(from);
    }

    /** The connector the server needs. */
    public ServerKind kind() {
        return kind;
    }

    private static void createParentDirectories(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + parent, e);
        }
    }
}
