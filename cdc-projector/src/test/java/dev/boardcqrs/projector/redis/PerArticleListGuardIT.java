package dev.boardcqrs.projector.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.writer.WriterKeys;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.board.BoardProjection;
import dev.boardcqrs.projector.redis.RedisProjection.Planned;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.RowChange.Operation;
import dev.boardcqrs.projector.source.SourcePosition;
import dev.boardcqrs.projector.writer.WriterProjection;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Boards' and writers' counts and lists as Kafka mode keeps them (the per-article guard), against a real Redis: each
 * article's changes come in their own order, but changes of different articles in any order relative to each other
 * (an older binlog position after a newer one of another article), and any of them may come again. Counts and lists
 * always equal what SQL holds after the changes that were applied. The embedded engine's owner-wide guard is kept
 * for its one total order, unchanged.
 */
class PerArticleListGuardIT {
    private static final KeyScheme GENERATION = new KeyScheme("listguard").inGeneration("g1");
    private static final BoardKeys BOARDS = BoardKeys.in(GENERATION);
    private static final WriterKeys WRITERS = WriterKeys.in(GENERATION);
    private static final LocalDateTime CREATED = LocalDateTime.of(2026, 12, 2, 8, 0);
    private static final long A = 1;
    private static final long B = 2;
    private static final List<Long> OWNERS = List.of(1L, 2L);

    private RedisClient redis;

    @BeforeEach
    void connect() {
        redis = RedisClient.create(URI.create(SharedServers.redis().url()));
        clear();
    }

    @AfterEach
    void close() {
        redis.close();
    }

    @Test
    void shouldCountBothArticlesWhenTheNewerChangeOfOneArrivesBeforeTheOlderOfTheOther() {
        Models models = new Models(ListGuard.ARTICLE);

        models.apply(create(B, 1, 1, 20));
        models.apply(create(A, 1, 1, 10));

        assertThat(models.board(1)).isEqualTo(new Listed(2, List.of(B, A)));
        assertThat(models.writer(1)).isEqualTo(new Listed(2, List.of(B, A)));
    }

    @Test
    void shouldNotCountAReplayedOlderInsertAfterTheArticleWasDeleted() {
        Models models = new Models(ListGuard.ARTICLE);
        models.apply(create(A, 1, 1, 10));
        models.apply(create(B, 1, 1, 20));
        models.apply(delete(article(A, 1, 1), 30));

        models.apply(create(A, 1, 1, 10));
        assertThat(models.board(1)).isEqualTo(new Listed(1, List.of(B)));
        assertThat(models.writer(1)).isEqualTo(new Listed(1, List.of(B)));

        models.apply(delete(article(A, 1, 1), 30));
        assertThat(models.board(1)).isEqualTo(new Listed(1, List.of(B)));
        assertThat(models.writer(1)).isEqualTo(new Listed(1, List.of(B)));
    }

    @Test
    void shouldMoveAnArticleBetweenBoardsAndWritersOnceWhenTheMoveCrossesAnotherArticleAndIsReplayed() {
        Models models = new Models(ListGuard.ARTICLE);
        models.apply(create(A, 1, 1, 10));
        models.apply(create(B, 2, 2, 40));
        RowChange move = update(article(A, 1, 1), article(A, 2, 2), 30);
        models.apply(move);
        models.apply(update(article(A, 2, 2), article(A, 1, 1), 50));

        models.apply(move);
        models.apply(create(B, 2, 2, 40));

        assertThat(models.board(1)).isEqualTo(new Listed(1, List.of(A)));
        assertThat(models.board(2)).isEqualTo(new Listed(1, List.of(B)));
        assertThat(models.writer(1)).isEqualTo(new Listed(1, List.of(A)));
        assertThat(models.writer(2)).isEqualTo(new Listed(1, List.of(B)));
    }

    @Test
    void shouldGuardSnapshotRowsSoTheyCountOnceAndNeverUndoALaterChange() {
        Models models = new Models(ListGuard.ARTICLE);
        models.apply(snapshotRead(A, 1, 1));
        models.apply(snapshotRead(B, 1, 1));
        models.apply(snapshotRead(A, 1, 1));
        assertThat(models.board(1)).as("both rows carry the snapshot's one position")
                .isEqualTo(new Listed(2, List.of(B, A)));

        models.apply(delete(article(A, 1, 1), 30));
        models.apply(snapshotRead(A, 1, 1));

        assertThat(models.board(1)).isEqualTo(new Listed(1, List.of(B)));
        assertThat(models.writer(1)).isEqualTo(new Listed(1, List.of(B)));
    }

    /**
     * Two articles that each join a board and a writer, move, and leave or come back, applied in every order that
     * keeps each article's own (as two Kafka partitions may deliver them), each order followed by replays of every
     * pair of prefixes of the two articles' changes. After every step the counts and lists are SQL's.
     */
    @Test
    void shouldAgreeWithSqlAfterEveryStepOfEveryOrderThatKeepsEachArticlesOwnAndAfterAnyReplay() {
        List<RowChange> changesOfA = List.of(
                create(A, 1, 1, 10),
                update(article(A, 1, 1), article(A, 2, 2), 30),
                delete(article(A, 2, 2), 50));
        List<RowChange> changesOfB = List.of(
                create(B, 1, 1, 20),
                update(article(B, 1, 1), article(B, 2, 1), 40),
                update(article(B, 2, 1), article(B, 1, 2), 60));
        List<List<Boolean>> orders = interleavings(changesOfA.size(), changesOfB.size());
        assertThat(orders).hasSize(20);
        for (List<Boolean> order : orders) {
            clear();
            Models models = new Models(ListGuard.ARTICLE);
            int appliedOfA = 0;
            int appliedOfB = 0;
            for (boolean takeA : order) {
                models.apply(takeA ? changesOfA.get(appliedOfA++) : changesOfB.get(appliedOfB++));
                models.assertAgreeWith(sql(changesOfA, appliedOfA, changesOfB, appliedOfB), "order " + order);
            }
            for (int replayedOfA = 0; replayedOfA <= changesOfA.size(); replayedOfA++) {
                for (int replayedOfB = 0; replayedOfB <= changesOfB.size(); replayedOfB++) {
                    changesOfB.subList(0, replayedOfB).forEach(models::apply);
                    changesOfA.subList(0, replayedOfA).forEach(models::apply);
                    models.assertAgreeWith(sql(changesOfA, changesOfA.size(), changesOfB, changesOfB.size()),
                            "order " + order + ", then " + replayedOfB + " of B's and " + replayedOfA
                                    + " of A's again");
                }
            }
        }
    }

    /**
     * The embedded engine delivers one total order, and its owner-wide guard costs one field per board and writer:
     * it stays as it was. The crossed order below never comes from it; it shows that the owner's position, not the
     * article's, decides.
     */
    @Test
    void shouldKeepTheOwnerWideGuardWithoutPerArticleEntriesForTheEmbeddedEngine() {
        Models models = new Models(ListGuard.OWNER);
        models.apply(create(A, 1, 1, 10));
        models.apply(create(B, 1, 1, 20));
        models.apply(create(A, 1, 1, 10));
        assertThat(models.board(1)).isEqualTo(new Listed(2, List.of(B, A)));
        assertThat(redis.hkeys(BOARDS.board(1))).containsExactlyInAnyOrder("count", "_pos");
        assertThat(redis.hkeys(WRITERS.writer(1))).containsExactlyInAnyOrder("count", "_pos");

        models.apply(delete(article(B, 1, 1), 40));
        models.apply(delete(article(A, 1, 1), 30));

        assertThat(models.board(1)).as("older than the board's last change: skipped")
                .isEqualTo(new Listed(1, List.of(A)));
        assertThat(models.writer(1)).isEqualTo(new Listed(1, List.of(A)));
        assertThat(redis.hget(BOARDS.board(1), "_pos")).isEqualTo(position(40).sortKey());
    }

    /** The board and writer models of one generation, applied one row change at a time as a batch would. */
    private final class Models {
        private final RedisStore store;
        private final BoardProjection board;
        private final WriterProjection writer;

        Models(ListGuard guard) {
            board = new BoardProjection(Duration.ofHours(1), 100, guard);
            writer = new WriterProjection(100, guard);
            store = new RedisStore(new JedisProjectorRedis(redis), GENERATION, List.of(board, writer));
        }

        void apply(RowChange change) {
            apply(board, change);
            apply(writer, change);
        }

        private <W> void apply(RedisProjection<W> projection, RowChange change) {
            String position = change.position().sortKey();
            store.applyAlone(projection, projection.plan(change).stream()
                    .map(write -> new Planned<>(write, position, change.position().snapshot())).toList());
        }

        Listed board(long boardId) {
            return listed(BOARDS.board(boardId), BOARDS.boardArticles(boardId));
        }

        Listed writer(long writerId) {
            return listed(WRITERS.writer(writerId), WRITERS.writerArticles(writerId));
        }

        private Listed listed(String owner, String list) {
            String count = redis.hget(owner, "count");
            // an owner that never had an article has no count
            return new Listed(count == null ? 0 : Long.parseLong(count),
                    redis.zrevrange(list, 0, -1).stream().map(Long::valueOf).toList());
        }

        /** {@code rows}: the article rows SQL holds. */
        void assertAgreeWith(List<Map<String, Object>> rows, String after) {
            for (long owner : OWNERS) {
                assertThat(board(owner)).as("board %d after %s", owner, after)
                        .isEqualTo(truth(rows, "board_id", owner));
                assertThat(writer(owner)).as("writer %d after %s", owner, after)
                        .isEqualTo(truth(rows, "writer_id", owner));
            }
        }
    }

    /** An owner's count and its list, newest first. */
    private record Listed(long count, List<Long> newest) {
    }

    private static Listed truth(List<Map<String, Object>> rows, String column, long owner) {
        List<Long> ids = rows.stream().filter(row -> Objects.equals(row.get(column), owner))
                .map(row -> (Long) row.get("article_id")).sorted(Comparator.reverseOrder()).toList();
        return new Listed(ids.size(), ids);
    }

    /** The rows SQL holds after the first {@code ofA} changes of A and {@code ofB} of B. */
    private static List<Map<String, Object>> sql(List<RowChange> changesOfA, int ofA, List<RowChange> changesOfB,
                                                 int ofB) {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (ofA > 0 && changesOfA.get(ofA - 1).after() != null) {
            rows.add(changesOfA.get(ofA - 1).after());
        }
        if (ofB > 0 && changesOfB.get(ofB - 1).after() != null) {
            rows.add(changesOfB.get(ofB - 1).after());
        }
        return rows;
    }

    /** Every order of {@code a} changes of A and {@code b} of B that keeps each one's own: true takes A's next. */
    private static List<List<Boolean>> interleavings(int a, int b) {
        if (a == 0 || b == 0) {
            List<Boolean> rest = new ArrayList<>();
            for (int i = 0; i < a + b; i++) {
                rest.add(a > 0);
            }
            return List.of(rest);
        }
        List<List<Boolean>> orders = new ArrayList<>();
        for (List<Boolean> rest : interleavings(a - 1, b)) {
            orders.add(prepend(true, rest));
        }
        for (List<Boolean> rest : interleavings(a, b - 1)) {
            orders.add(prepend(false, rest));
        }
        return orders;
    }

    private static List<Boolean> prepend(boolean first, List<Boolean> rest) {
        List<Boolean> order = new ArrayList<>(rest.size() + 1);
        order.add(first);
        order.addAll(rest);
        return order;
    }

    private void clear() {
        List<String> keys = new ArrayList<>(redis.keys(GENERATION.modelPrefix() + "*"));
        if (!keys.isEmpty()) {
            redis.del(keys.toArray(String[]::new));
        }
    }

    private static RowChange create(long articleId, long boardId, long writerId, long at) {
        return new RowChange("article", Operation.CREATE, null, article(articleId, boardId, writerId), position(at), 0);
    }

    private static RowChange update(Map<String, Object> before, Map<String, Object> after, long at) {
        return new RowChange("article", Operation.UPDATE, before, after, position(at), 0);
    }

    private static RowChange delete(Map<String, Object> before, long at) {
        return new RowChange("article", Operation.DELETE, before, null, position(at), 0);
    }

    /** A row of the initial snapshot: every one carries the snapshot's position. */
    private static RowChange snapshotRead(long articleId, long boardId, long writerId) {
        return new RowChange("article", Operation.READ, null, article(articleId, boardId, writerId),
                new SourcePosition("bin.000001", 4, 0, 0, null, true, false), 0);
    }

    private static SourcePosition position(long at) {
        return new SourcePosition("bin.000001", at, 0, 0, null, false, false);
    }

    private static Map<String, Object> article(long id, long boardId, long writerId) {
        Map<String, Object> row = new HashMap<>();
        row.put("article_id", id);
        row.put("board_id", boardId);
        row.put("writer_id", writerId);
        row.put("title", "title " + id);
        row.put("content", "content " + id);
        row.put("created_at", CREATED);
        row.put("modified_at", CREATED);
        return row;
    }
}
