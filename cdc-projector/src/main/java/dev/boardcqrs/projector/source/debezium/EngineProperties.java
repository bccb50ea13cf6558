package dev.boardcqrs.projector.source.debezium;

import dev.boardcqrs.projector.ProjectorConfig;
import dev.boardcqrs.projector.generation.Generation;
import java.util.Collection;
import java.util.Properties;
import java.util.stream.Collectors;

/** The Debezium settings for the tables the read models read, from the projector's config and the server kind. */
public final class EngineProperties {
    /** The engine name and topic prefix key the offsets; {@link OffsetFile} writes them under the same key. */
    public static final String ENGINE_NAME = "board-cqrs-projector";

    private EngineProperties() {
    }

    /**
     * The topic prefix also names the connector's JMX metrics, which two engines in one JVM (a rebuild's
     * beside the active one's) must not share.
     */
    public static String topicPrefix(Generation generation) {
        return "board-cqrs-" + generation.name();
    }

    /** The settings of the engine that fills {@code generation} from {@code tables} (names without the database). */
    public static Properties of(ProjectorConfig config, ServerKind kind, Generation generation,
                                Collection<String> tables) {
        Properties props = connector(config, kind, tables, generation.serverId(config));
        props.setProperty("connector.class", kind.embeddedConnectorClass());
        props.setProperty("name", ENGINE_NAME);
        props.setProperty("topic.prefix", topicPrefix(generation));

        props.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        props.setProperty("offset.storage.file.filename", generation.offsetFile(config).toString());
        props.setProperty("offset.flush.interval.ms", Long.toString(config.offsetFlushInterval().toMillis()));
        props.setProperty("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
        props.setProperty("schema.history.internal.file.filename", generation.schemaHistoryFile(config).toString());
        // one task, and batches handed over in binlog order
        props.setProperty("record.processing.order", "ORDERED");
        props.setProperty("record.processing.threads", "1");
        // On close (SIGTERM) the engine waits this long for the batch in flight before interrupting it, then
        // commits offsets. The default of one second would cut off a batch waiting on a slow Redis; 20 s stays
        // inside docker compose's stop_grace_period of 30 s.
        props.setProperty("record.processing.shutdown.timeout.ms", "20000");

        config.engineOverrides().forEach(props::setProperty);
        return props;
    }

    /**
     * What the connector reads and how, wherever it runs (this engine, or Kafka Connect): the server, the tables,
     * transaction markers, snapshot mode, polling, batch and queue sizes. Not the engine's own overrides.
     * {@code serverId}: the binlog reader's id, which depends on where it runs (a generation's engine, or Kafka
     * Connect's one task).
     */
    public static Properties connector(ProjectorConfig config, ServerKind kind, Collection<String> tables,
                                       long serverId) {
        JdbcUrl url = JdbcUrl.parse(config.databaseUrl());
        Properties props = new Properties();
        props.setProperty("connector.class", kind.connectorClass());
        props.setProperty("database.hostname", url.host());
        props.setProperty("database.port", Integer.toString(url.port()));
        props.setProperty("database.user", config.databaseUser());
        props.setProperty("database.password", config.databasePassword());
        props.setProperty("database.server.id", Long.toString(serverId));
        props.setProperty("database.include.list", url.database());
        props.setProperty("table.include.list",
                tables.stream().map(table -> url.database() + "." + table).collect(Collectors.joining(",")));
        props.setProperty("include.schema.changes", "false");
        // BEGIN/END markers around each source transaction, so a transaction is applied to Redis whole
        props.setProperty("provide.transaction.metadata", "true");
        props.setProperty("snapshot.mode", config.snapshotMode());

        // The default poll interval (500 ms) alone adds ~250 ms of median commit-to-Redis lag; 1 ms measured
        // ~3 ms. Debezium's queue waits in whole milliseconds and spins through the last one, so its poll spins
        // the whole interval at 1 ms: an idle engine used 45% of a core. The embedded engine's connector sleeps
        // between polls that find nothing (ArrivalWait); Kafka Connect's spins as Debezium's does.
        props.setProperty("poll.interval.ms", Long.toString(Math.max(1, config.pollInterval().toMillis())));
        props.setProperty("max.batch.size", Integer.toString(config.maxBatchSize()));
        props.setProperty("max.queue.size", Integer.toString(config.maxQueueSize()));
        // the binlog client's keepalive thread notices a lost connection (database restarted) and reconnects;
        // its default of one minute would leave the models a minute behind
        props.setProperty("connect.keep.alive.interval.ms", "5000");
        return props;
    }
}
