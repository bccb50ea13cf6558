package dev.boardcqrs.projector.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.common.board.KeyScheme;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.board.BoardProjection;
import dev.boardcqrs.projector.deadletter.DeadLetters;
import dev.boardcqrs.projector.metrics.ProjectorMetrics;
import dev.boardcqrs.projector.redis.RedisModelWriter;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The projector writes a full batch while the engine reads the next one, against a real Redis: a full batch
 * reaches Redis at once but is marked processed only in the next handleBatch, after Redis acknowledged it; a
 * batch that is not full, and every batch once the engine is about to stop, is marked before handleBatch
 * returns; and a batch that failed in Redis fails the next handleBatch.
 */
class OverlappingBatchesIT {
    private static final KeyScheme NAMESPACE = new KeyScheme("overlap");
    private static final KeyScheme G1 = NAMESPACE.inGeneration("g1");
    private static final long ARTICLE = 1;
    private static final int FULL = 2;
    private static final Schema ROW = SchemaBuilder.struct().name("comment.Value")
            .field("comment_id", Schema.INT64_SCHEMA)
            .field("article_id", Schema.INT64_SCHEMA)
            .field("deleted", Schema.INT16_SCHEMA)
            .optional().build();
    private static final Schema SOURCE = SchemaBuilder.struct().name("source")
            .field("table", Schema.OPTIONAL_STRING_SCHEMA)
            .field("file", Schema.STRING_SCHEMA)
            .field("pos", Schema.INT64_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("comment.Envelope")
            .field("before", ROW).field("after", ROW).field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA).build();

    private final AtomicLong positions = new AtomicLong(1000);
    private RedisClient redis;
    private BatchApplier applier;
    private final Committer committer = new Committer();

    @BeforeEach
    void generationWithOneArticle() {
        redis = RedisClient.create(URI.create(SharedServers.redis().url()));
        redis.del(G1.meta(), G1.article(ARTICLE));
        redis.set(NAMESPACE.active(), G1.generation());
        redis.hset(G1.article(ARTICLE), Map.of("articleId", Long.toString(ARTICLE), "commentCount", "0",
                "likeCount", "0"));
        RedisModelWriter writer = new RedisModelWriter(redis, G1, Duration.ofHours(1), 100);
        ProjectorStatus status = new ProjectorStatus(Clock.systemUTC());
        applier = new BatchApplier(new BoardProjection(), writer, status, null, () -> 0,
                new ProjectorMetrics(new SimpleMeterRegistry(), () -> status, () -> 0),
                new DeadLetters(redis, NAMESPACE, Clock.systemUTC()), FULL);
    }

    @AfterEach
    void stop() {
        applier.stop();
        redis.close();
    }

    @Test
    void shouldWriteAFullBatchAtOnceAndMarkItOnlyInTheNextBatchOnceRedisHasIt() throws Exception {
        List<ChangeEvent<SourceRecord, SourceRecord>> full = List.of(comment(), comment());

        applier.handleBatch(full, committer);

        await().atMost(Duration.ofSeconds(10)).until(() -> "2".equals(commentCount()));
        assertThat(committer.marked).as("marked before the next batch").isEmpty();

        List<ChangeEvent<SourceRecord, SourceRecord>> notFull = List.of(comment());
        applier.handleBatch(notFull, committer);

        assertThat(commentCount()).isEqualTo("3");
        assertThat(committer.marked).containsExactly(full.get(0), full.get(1), notFull.get(0));
        assertThat(committer.batchesFinished).isEqualTo(2);
    }

    @Test
    void shouldMarkTheBatchInFlightWhenTheEngineIsAboutToStopAndEveryLaterBatchAtOnce() throws Exception {
        List<ChangeEvent<SourceRecord, SourceRecord>> inFlight = List.of(comment(), comment());
        applier.handleBatch(inFlight, committer);

        applier.finishInFlight();

        assertThat(commentCount()).isEqualTo("2");
        assertThat(committer.marked).containsExactlyElementsOf(inFlight);
        List<ChangeEvent<SourceRecord, SourceRecord>> last = List.of(comment(), comment());
        applier.handleBatch(last, committer);
        assertThat(commentCount()).isEqualTo("4");
        assertThat(committer.marked).hasSize(4).endsWith(last.get(0), last.get(1));
    }

    @Test
    void shouldFailTheNextBatchWhenTheOneInFlightFoundRedisEmptied() throws Exception {
        applier.handleBatch(List.of(comment()), committer);
        redis.del(G1.meta()); // Redis lost what the projector wrote: its watermark is gone

        applier.handleBatch(List.of(comment(), comment()), committer);

        assertThatThrownBy(() -> applier.handleBatch(List.of(comment()), committer))
                .isInstanceOf(RedisDataLostException.class);
        assertThat(committer.marked).as("only the batch before the loss").hasSize(1);
    }

    private String commentCount() {
        return redis.hget(G1.article(ARTICLE), "commentCount");
    }

    /** A new comment on the article, at the next binlog position. */
    private ChangeEvent<SourceRecord, SourceRecord> comment() {
        long position = positions.incrementAndGet();
        Struct source = new Struct(SOURCE).put("table", "comment").put("file", "bin.000001").put("pos", position)
                .put("ts_ms", 0L);
        Struct after = new Struct(ROW).put("comment_id", position).put("article_id", ARTICLE).put("deleted", (short) 0);
        Struct value = new Struct(ENVELOPE).put("after", after).put("source", source).put("op", "c");
        SourceRecord record = new SourceRecord(Map.of(), Map.of("file", "bin.000001", "pos", position),
                "board-cqrs.board.comment", null, null, null, value.schema(), value);
        return new Event(record);
    }

    private record Event(SourceRecord value) implements ChangeEvent<SourceRecord, SourceRecord> {
        @Override
        public SourceRecord key() {
            return null;
        }

        @Override
        public String destination() {
            return value.topic();
        }

        @Override
        public Integer partition() {
            return null;
        }
    }

    /** Records what the applier marks, in order, as the engine's committer would store their offsets. */
    private static final class Committer implements DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> {
        final List<ChangeEvent<SourceRecord, SourceRecord>> marked = new ArrayList<>();
        int batchesFinished;

        @Override
        public synchronized void markProcessed(ChangeEvent<SourceRecord, SourceRecord> record) {
            marked.add(record);
        }

        @Override
        public synchronized void markBatchFinished() {
            batchesFinished++;
        }

        @Override
        public void markProcessed(ChangeEvent<SourceRecord, SourceRecord> record, DebeziumEngine.Offsets offsets) {
            markProcessed(record);
        }

        @Override
        public DebeziumEngine.Offsets buildOffsets() {
            throw new UnsupportedOperationException("not used by the projector");
        }
    }
}
