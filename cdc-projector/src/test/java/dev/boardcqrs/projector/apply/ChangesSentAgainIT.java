package dev.boardcqrs.projector.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.board.BoardProjection;
import dev.boardcqrs.projector.deadletter.DeadLetters;
import dev.boardcqrs.projector.metrics.ProjectorMetrics;
import dev.boardcqrs.projector.redis.JedisProjectorRedis;
import dev.boardcqrs.projector.redis.ListGuard;
import dev.boardcqrs.projector.redis.RedisStore;
import dev.boardcqrs.projector.source.ChangeBatch;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.SourceEvent;
import dev.boardcqrs.projector.source.SourcePosition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * A Kafka Connect worker that restarts makes the connector send again what followed its last committed source offset:
 * new records (new offsets) of changes the projector applied. Against a real Redis, through the lanes as the Kafka
 * source feeds them: the re-sent insert of an article deleted since must not bring its model back for the moment
 * until the re-sent delete follows, nor after the projector restarted in between; what is new after them applies.
 */
class ChangesSentAgainIT {
    private static final KeyScheme NAMESPACE = new KeyScheme("sentagain");
    private static final KeyScheme G1 = NAMESPACE.inGeneration("g1");
    private static final BoardKeys BOARD = BoardKeys.in(G1);
    private static final String STREAM = "sent-again.articles-0";
    private static final long ARTICLE = 7;
    private static final long BOARD_ID = 3;

    private RedisClient redis;
    private JedisProjectorRedis projectorRedis;
    private OverlappingHandler handler;
    private ProjectorStatus status;
    private long nextOffset;

    @BeforeEach
    void activeGeneration() {
        redis = RedisClient.create(URI.create(SharedServers.redis().url()));
        redis.keys(G1.everything()).forEach(redis::unlink);
        redis.set(NAMESPACE.active(), G1.generation());
        projectorRedis = new JedisProjectorRedis(redis);
        handler = startedProjector();
    }

    @AfterEach
    void stop() {
        handler.stop();
        redis.close();
    }

    @Test
    void shouldNotShowADeletedArticleAgainWhenItsInsertIsSentAgain() throws Exception {
        handler.handle(batch(insert(10), delete(20)));
        assertThat(model()).isEmpty();

        handler.handle(batch(insert(10)));

        assertThat(model()).as("the article's model while only its insert was sent again").isEmpty();
        assertThat(boardCount()).isEqualTo("0");
        assertThat(status.duplicates()).isEqualTo(1);
        assertThat(redis.hget(G1.meta(), "watermark@" + STREAM)).as("the offset moves past the skipped record")
                .endsWith("2");
    }

    @Test
    void shouldSkipWhatIsSentAgainAfterARestartByThePositionRedisKeeps() throws Exception {
        handler.handle(batch(insert(10), delete(20)));
        handler.stop();
        handler = startedProjector();

        handler.handle(batch(insert(10), comment(15)));

        assertThat(model()).isEmpty();
        assertThat(boardCount()).isEqualTo("0");
        assertThat(status.duplicates()).isEqualTo(2);
    }

    @Test
    void shouldApplyTheChangesThatFollowTheOnesSentAgain() throws Exception {
        handler.handle(batch(insert(10), update(20, "edited")));

        handler.handle(batch(insert(10), update(20, "edited"), update(30, "edited again")));

        assertThat(model()).containsEntry("title", "edited again");
        assertThat(boardCount()).isEqualTo("1");
        assertThat(status.duplicates()).as("the insert; the update the model holds is skipped by its position")
                .isEqualTo(1);
    }

    private OverlappingHandler startedProjector() {
        status = new ProjectorStatus(Clock.systemUTC());
        RedisStore store = new RedisStore(projectorRedis, G1,
                List.of(new BoardProjection(Duration.ofHours(1), 100, ListGuard.ARTICLE)), STREAM);
        BatchWriter writer = new BatchWriter(List.of(store), G1.generation(), status,
                new ProjectorMetrics(new SimpleMeterRegistry(), () -> status, () -> 0),
                new DeadLetters(projectorRedis, NAMESPACE, Clock.systemUTC()), () -> 0);
        return new OverlappingHandler(writer);
    }

    /** Records as the Kafka source hands them over: each at the next offset of the partition. */
    private ChangeBatch batch(RowChange... changes) {
        List<SourceEvent> events = new ArrayList<>();
        for (RowChange change : changes) {
            events.add(SourceEvent.row(change).inStream(String.format("%019d", nextOffset++)));
        }
        return new ChangeBatch(events, false, acknowledged -> { });
    }

    private static RowChange insert(long position) {
        return change(RowChange.Operation.CREATE, null, article("title"), position);
    }

    private static RowChange update(long position, String title) {
        return change(RowChange.Operation.UPDATE, article("title"), article(title), position);
    }

    private static RowChange delete(long position) {
        return change(RowChange.Operation.DELETE, article("title"), null, position);
    }

    private static RowChange comment(long position) {
        return new RowChange("comment", RowChange.Operation.CREATE, null,
                Map.of("comment_id", 1L, "article_id", ARTICLE, "deleted", 0L), at(position), 0);
    }

    private static RowChange change(RowChange.Operation operation, Map<String, Object> before,
                                    Map<String, Object> after, long position) {
        return new RowChange("article", operation, before, after, at(position), 0);
    }

    private static SourcePosition at(long position) {
        return new SourcePosition("bin.000001", position, 0, 0, null, false, false);
    }

    private static Map<String, Object> article(String title) {
        Map<String, Object> row = new HashMap<>();
        row.put("article_id", ARTICLE);
        row.put("board_id", BOARD_ID);
        row.put("writer_id", 1L);
        row.put("title", title);
        row.put("content", "content");
        row.put("created_at", LocalDateTime.of(2026, 12, 3, 12, 0));
        row.put("modified_at", LocalDateTime.of(2026, 12, 3, 12, 0));
        return row;
    }

    private Map<String, String> model() {
        return redis.hgetAll(BOARD.article(ARTICLE));
    }

    private String boardCount() {
        String count = redis.hget(BOARD.board(BOARD_ID), "count");
        return count == null ? "0" : count;
    }
}
