package dev.boardcqrs.projector.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.board.BoardProjection;
import dev.boardcqrs.projector.deadletter.DeadLetters;
import dev.boardcqrs.projector.metrics.ProjectorMetrics;
import dev.boardcqrs.projector.redis.JedisProjectorRedis;
import dev.boardcqrs.projector.redis.RedisDataLostException;
import dev.boardcqrs.projector.redis.RedisStore;
import dev.boardcqrs.projector.source.ChangeBatch;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.SourceEvent;
import dev.boardcqrs.projector.source.SourcePosition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The projector writes a full batch while the source reads the next one, against a real Redis: a full batch
 * reaches Redis at once but is acknowledged only in the next handle, after Redis acknowledged it; a batch that is
 * not full, and every batch once the source is about to stop, is acknowledged before handle returns; and a batch
 * that failed in Redis fails the next handle.
 */
class OverlappingBatchesIT {
    private static final KeyScheme NAMESPACE = new KeyScheme("overlap");
    private static final KeyScheme G1 = NAMESPACE.inGeneration("g1");
    private static final BoardKeys BOARD = BoardKeys.in(G1);
    private static final long ARTICLE = 1;
    private static final int FULL = 2;

    private final AtomicLong positions = new AtomicLong(1000);
    private RedisClient redis;
    private OverlappingHandler applier;
    private final Committer committer = new Committer();

    @BeforeEach
    void generationWithOneArticle() {
        redis = RedisClient.create(URI.create(SharedServers.redis().url()));
        redis.del(G1.meta(), BOARD.article(ARTICLE));
        redis.set(NAMESPACE.active(), G1.generation());
        redis.hset(BOARD.article(ARTICLE), Map.of("articleId", Long.toString(ARTICLE), "commentCount", "0",
                "likeCount", "0"));
        JedisProjectorRedis projectorRedis = new JedisProjectorRedis(redis);
        RedisStore store = new RedisStore(projectorRedis, G1, List.of(new BoardProjection(Duration.ofHours(1), 100)));
        ProjectorStatus status = new ProjectorStatus(Clock.systemUTC());
        BatchWriter writer = new BatchWriter(List.of(store), G1.generation(), status,
                new ProjectorMetrics(new SimpleMeterRegistry(), () -> status, () -> 0),
                new DeadLetters(projectorRedis, NAMESPACE, Clock.systemUTC()), () -> 0);
        applier = new OverlappingHandler(writer, G1.generation());
    }

    @AfterEach
    void stop() {
        applier.stop();
        redis.close();
    }

    @Test
    void shouldWriteAFullBatchAtOnceAndMarkItOnlyInTheNextBatchOnceRedisHasIt() throws Exception {
        List<SourceEvent> full = List.of(comment(), comment());

        applier.handle(committer.batch(full));

        await().atMost(Duration.ofSeconds(10)).until(() -> "2".equals(commentCount()));
        assertThat(committer.marked).as("marked before the next batch").isEmpty();

        List<SourceEvent> notFull = List.of(comment());
        applier.handle(committer.batch(notFull));

        assertThat(commentCount()).isEqualTo("3");
        assertThat(committer.marked).containsExactly(full.get(0), full.get(1), notFull.get(0));
        assertThat(committer.batchesFinished).isEqualTo(2);
    }

    @Test
    void shouldMarkTheBatchInFlightWhenTheEngineIsAboutToStopAndEveryLaterBatchAtOnce() throws Exception {
        List<SourceEvent> inFlight = List.of(comment(), comment());
        applier.handle(committer.batch(inFlight));

        applier.finishInFlight();

        assertThat(commentCount()).isEqualTo("2");
        assertThat(committer.marked).containsExactlyElementsOf(inFlight);
        List<SourceEvent> last = List.of(comment(), comment());
        applier.handle(committer.batch(last));
        assertThat(commentCount()).isEqualTo("4");
        assertThat(committer.marked).hasSize(4).endsWith(last.get(0), last.get(1));
    }

    @Test
    void shouldFailTheNextBatchWhenTheOneInFlightFoundRedisEmptied() throws Exception {
        applier.handle(committer.batch(List.of(comment())));
        redis.del(G1.meta()); // Redis lost what the projector wrote: its watermark is gone

        applier.handle(committer.batch(List.of(comment(), comment())));

        assertThatThrownBy(() -> applier.handle(committer.batch(List.of(comment()))))
                .isInstanceOf(RedisDataLostException.class);
        assertThat(committer.marked).as("only the batch before the loss").hasSize(1);
    }

    private String commentCount() {
        return redis.hget(BOARD.article(ARTICLE), "commentCount");
    }

    /** A new comment on the article, at the next binlog position. */
    private SourceEvent comment() {
        long position = positions.incrementAndGet();
        return SourceEvent.row(new RowChange("comment", RowChange.Operation.CREATE, null,
                Map.of("comment_id", position, "article_id", ARTICLE, "deleted", 0L),
                new SourcePosition("bin.000001", position, 0, 0, null, false, false), 0));
    }

    /**
     * Hands out batches and records what the handler acknowledges, in order, as a source stores their positions:
     * an acknowledgement of n events marks the next n delivered.
     */
    private static final class Committer {
        final List<SourceEvent> marked = new ArrayList<>();
        private final ArrayDeque<SourceEvent> delivered = new ArrayDeque<>();
        int batchesFinished;

        synchronized ChangeBatch batch(List<SourceEvent> events) {
            delivered.addAll(events);
            return new ChangeBatch(events, events.size() >= FULL, this::acknowledge);
        }

        private synchronized void acknowledge(int events) {
            for (int i = 0; i < events; i++) {
                marked.add(delivered.removeFirst());
            }
            batchesFinished++;
        }
    }
}
