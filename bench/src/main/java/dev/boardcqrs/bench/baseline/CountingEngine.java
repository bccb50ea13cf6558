package dev.boardcqrs.bench.baseline;

import dev.boardcqrs.projector.ProjectorConfig;
import dev.boardcqrs.projector.apply.ProjectorStatus;
import dev.boardcqrs.projector.ReadModels;
import dev.boardcqrs.projector.generation.Generation;
import dev.boardcqrs.projector.source.debezium.EngineProperties;
import dev.boardcqrs.projector.source.debezium.EngineRunner;
import dev.boardcqrs.projector.source.debezium.ServerKind;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The projector's baseline: the same Debezium engine with the same settings (EngineProperties of the
 * projector's config), whose consumer only counts row changes and commits them. Whatever the projector does
 * beyond this (projection, Redis writes, watermarks) is its own cost.
 * It keeps its own offsets in {@code directory}, so it can snapshot, stop, and later catch up from there.
 * It also notes when it first saw each article title listed in {@code watchedTitles}, for freshness.
 */
public final class CountingEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CountingEngine.class);

    private final AtomicLong rowChanges = new AtomicLong();
    private final Map<String, Long> titlesSeenAtNanos = new ConcurrentHashMap<>();
    private final ProjectorStatus status = new ProjectorStatus(Clock.systemUTC());
    private final EngineRunner engine;

    public CountingEngine(ProjectorConfig projector, Path directory, String snapshotMode) throws SQLException {
        ProjectorConfig config = new ProjectorConfig(projector.host(), projector.port(), projector.databaseUrl(),
                projector.databaseUser(), projector.databasePassword(), projector.redisUrl(), projector.namespace(),
                projector.connector(), directory.resolve("offsets.dat"), directory.resolve("schema-history.dat"),
                projector.serverId(), projector.pollInterval(), projector.maxBatchSize(), projector.maxQueueSize(),
                projector.offsetFlushInterval(), snapshotMode, projector.modelTtl(), projector.boardListLength(),
                projector.engineOverrides(), projector.search(), projector.searchLinger(),
                projector.searchRefreshInterval(), projector.access(),
                projector.kafka(), projector.source());
        ServerKind kind = ServerKind.detect(config.databaseUrl(), config.databaseUser(), config.databasePassword());
        Properties properties = EngineProperties.of(config, kind, new Generation(1),
                ReadModels.tables(ReadModels.redis(config)));
        // its own metrics names, so it never collides with a projector in the same JVM; offsets are its own file;
        // a server id no projector generation uses (they take serverId and serverId with the lowest bit flipped)
        properties.setProperty("name", "board-cqrs-count-only");
        properties.setProperty("topic.prefix", "board-cqrs-count-only");
        properties.setProperty("database.server.id", Long.toString(projector.serverId() + 2));
        // the anchor is Debezium as it ships: its poll spins while idle, which is as fresh as it gets
        properties.setProperty("connector.class", kind.connectorClass());
        this.engine = new EngineRunner(properties, new Counter(), status,
                error -> log.error("count-only engine failed: {}", error.toString()));
    }

    public CountingEngine start(Duration timeout) throws InterruptedException {
        engine.start();
        if (!status.awaitStarted(timeout)) {
            throw new IllegalStateException("count-only engine did not start: " + status.toMap().get("failure"));
        }
        return this;
    }

    public long rowChanges() {
        return rowChanges.get();
    }

    /** When (System.nanoTime) each article title was first seen in a change, for titles this run wrote. */
    public Map<String, Long> titlesSeenAtNanos() {
        return titlesSeenAtNanos;
    }

    @Override
    public void close() {
        engine.close();
    }

    private final class Counter implements DebeziumEngine.ChangeConsumer<ChangeEvent<SourceRecord, SourceRecord>> {
        @Override
        public void handleBatch(List<ChangeEvent<SourceRecord, SourceRecord>> records,
                                DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer)
                throws InterruptedException {
            long now = System.nanoTime();
            for (ChangeEvent<SourceRecord, SourceRecord> record : records) {
                if (record.value().value() instanceof Struct value && value.schema().field("op") != null) {
                    rowChanges.incrementAndGet();
                    noteTitle(value, now);
                }
                committer.markProcessed(record);
            }
            committer.markBatchFinished();
        }

        private void noteTitle(Struct value, long now) {
            Struct after = value.getStruct("after");
            if (after != null && after.schema().field("title") != null) {
                String title = after.getString("title");
                if (title != null && title.startsWith("fresh-")) {
                    titlesSeenAtNanos.putIfAbsent(title, now);
                }
            }
        }
    }
}
