package dev.boardcqrs.projector.board;

import static dev.boardcqrs.projector.source.RowChange.number;

import dev.boardcqrs.common.board.ArticleModel;
import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.common.source.Timestamps;
import dev.boardcqrs.projector.board.BoardWrite.CountChange;
import dev.boardcqrs.projector.board.BoardWrite.Kind;
import dev.boardcqrs.projector.board.BoardWrite.PutArticle;
import dev.boardcqrs.projector.board.BoardWrite.RemoveArticle;
import dev.boardcqrs.projector.redis.CountedLists;
import dev.boardcqrs.projector.redis.ListGuard;
import dev.boardcqrs.projector.redis.RedisBatch;
import dev.boardcqrs.projector.redis.ReplyCheck;
import dev.boardcqrs.projector.redis.RedisProjection;
import dev.boardcqrs.projector.source.RowChange;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import dev.boardcqrs.projector.source.OrderingGroup;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The board read model: an article model per article (its row plus comment and like counts) and each board's
 * count and list of newest articles. Decides, from one row change alone, what happens to it; every decision
 * depends only on the row's before and after images, so a row written with plain SQL counts like one from
 * command-api.
 */
public final class BoardProjection implements RedisProjection<BoardWrite> {
    /**
     * An article's model follows its own row, comments and likes in commit order. Different articles need no order
     * among themselves except where several feed one model (a board's count and list; docs/kafka-mode.md).
     */
    public static final OrderingGroup ORDERING = new OrderingGroup("articles",
            List.of("article", "comment", "article_like"), "article_id");
    static final LuaScript PUT_ARTICLE = LuaScript.resource("lua/put_article.lua", "lua/lib/article_model.lua",
            "lua/lib/counted_list.lua");
    static final LuaScript REMOVE_ARTICLE = LuaScript.resource("lua/remove_article.lua", "lua/lib/article_model.lua",
            "lua/lib/counted_list.lua");
    static final LuaScript COUNT_CHANGE = LuaScript.resource("lua/count_change.lua");
    /** A Redis Cluster's: the model alone, in its article's slot; the boards' lists follow in their own. */
    static final LuaScript ARTICLE_MODEL = LuaScript.resource("lua/article_model.lua", "lua/lib/article_model.lua");
    /** Bounds one script call, and with it how long Redis runs it without serving anyone else. */
    static final int COUNT_CHANGES_PER_CALL = 256;

    private final long ttlSeconds;
    private final int listLength;
    private final ListGuard guard;

    /**
     * {@code modelTtl}: how long an article model lives unread; {@code listLength}: a board list's length;
     * {@code guard}: how a board's count and list skip changes they took (the order the source keeps).
     */
    public BoardProjection(Duration modelTtl, int listLength, ListGuard guard) {
        this.ttlSeconds = Math.max(1, modelTtl.toSeconds());
        this.listLength = listLength;
        this.guard = guard;
    }

    @Override
    public String name() {
        return "board";
    }

    @Override
    public List<String> tables() {
        return ORDERING.tables();
    }

    @Override
    public List<LuaScript> scripts() {
        return List.of(PUT_ARTICLE, REMOVE_ARTICLE, COUNT_CHANGE, ARTICLE_MODEL, CountedLists.SCRIPT);
    }

    long ttlSeconds() {
        return ttlSeconds;
    }

    int listLength() {
        return listLength;
    }

    ListGuard guard() {
        return guard;
    }

    @Override
    public List<BoardWrite> plan(RowChange change) {
        return switch (change.table()) {
            case "article" -> article(change);
            case "comment" -> membership(Kind.COMMENT, "comment_id", change, BoardProjection::commentIsLive);
            case "article_like" -> membership(Kind.LIKE, "article_like_id", change, row -> true);
            default -> List.of();
        };
    }

    /**
     * Queues the writes in order, consecutive streamed count changes (most of a board's traffic) together in one
     * script call of at most {@link #COUNT_CHANGES_PER_CALL}.
     */
    @Override
    public void queue(List<Planned<BoardWrite>> writes, RedisBatch batch) {
        int from = 0;
        while (from < writes.size()) {
            List<Counted> run = streamedCounts(writes, from, batch.slotted());
            if (run.isEmpty()) {
                writes.get(from).write().queue(writes.get(from), this, batch);
                from++;
            } else {
                queueCounts(run, batch);
                from += run.size();
            }
        }
    }

    /**
     * The streamed count changes from {@code from} on, up to one call's worth. The count script answers each
     * change's error on its own, so one refused change does not take its neighbours with it; but a call that fails
     * as a whole refuses all its changes, and only streamed ones are safe to retry whatever part was applied (their
     * models' positions skip what was). Snapshot rows are counted without positions, so each keeps a call of its own.
     */
    private static List<Counted> streamedCounts(List<Planned<BoardWrite>> writes, int from, boolean slotted) {
        List<Counted> run = new ArrayList<>();
        for (int i = from; i < writes.size() && run.size() < COUNT_CHANGES_PER_CALL; i++) {
            Planned<BoardWrite> planned = writes.get(i);
            if (!(planned.write() instanceof CountChange count) || planned.snapshot()) {
                break;
            }
            if (slotted && !run.isEmpty() && run.get(0).change().articleId() != count.articleId()) {
                break; // one call's keys in one slot: one article's
            }
            run.add(new Counted(count, planned));
        }
        return run;
    }

    /** A count change with where it stands. */
    record Counted(CountChange change, Planned<BoardWrite> planned) {
    }

    /** A further call for {@code planned}: the article joins ({@code delta} +1) or leaves (-1) a board's list. */
    void queueListChange(Planned<BoardWrite> planned, long articleId, long boardId, int delta, RedisBatch batch) {
        BoardKeys keys = BoardKeys.in(batch.generation());
        batch.alsoCall(CountedLists.SCRIPT, List.of(keys.board(boardId), keys.boardArticles(boardId)),
                CountedLists.arguments(articleId, delta, planned, listLength, guard), ReplyCheck.APPLIED);
    }

    /** One call of the count script for these count changes, in order. */
    void queueCounts(List<Counted> changes, RedisBatch batch) {
        BoardKeys keys = BoardKeys.in(batch.generation());
        List<String> scriptKeys = new ArrayList<>(changes.size() * 2);
        List<String> args = new ArrayList<>(1 + changes.size() * 4);
        args.add(Long.toString(ttlSeconds));
        for (Counted counted : changes) {
            CountChange count = counted.change();
            scriptKeys.add(keys.article(count.articleId()));
            scriptKeys.add(keys.articleMissed(count.articleId()));
            args.add(count.field());
            args.add(Integer.toString(count.delta()));
            args.add(counted.planned().position());
            args.add(counted.planned().snapshot() ? "snapshot" : "stream");
        }
        batch.call(COUNT_CHANGE, scriptKeys, args, changes.size(), BoardProjection::countRefusals);
    }

    /**
     * The count script answers how many changes it applied, or, only when it refused something, one answer per
     * change: a list from every call made Redis spend about 1.7 times as long per snapshot row.
     */
    private static Map<Integer, String> countRefusals(Object reply, int writes) {
        Map<Integer, String> refused = new TreeMap<>();
        if (reply instanceof List<?> perChange) {
            for (int i = 0; i < perChange.size(); i++) {
                Object answer = perChange.get(i);
                if (answer instanceof byte[] bytes) {
                    refused.put(i, new String(bytes, StandardCharsets.UTF_8));
                } else if (answer instanceof String text) {
                    refused.put(i, text);
                }
            }
        }
        return refused;
    }

    @Override
    public String whyNotRetryable() {
        return null;
    }

    @Override
    public List<String> keysToForgetAfterRetry(BoardWrite write, KeyScheme generation) {
        return List.of(BoardKeys.in(generation).article(write.articleId()));
    }

    /**
     * The article columns behind the model's fields (ArticleModel.rowFields). A field missing here is written by
     * every update, which is safe.
     */
    private static final Map<String, String> FIELD_OF_COLUMN = Map.of("article_id", "articleId",
            "board_id", "boardId", "writer_id", "writerId", "title", "title", "content", "content",
            "created_at", "createdAt", "modified_at", "modifiedAt");

    private static List<BoardWrite> article(RowChange change) {
        Map<String, Object> after = change.after();
        Map<String, Object> before = change.before();
        if (after == null) {
            return List.of(new RemoveArticle(number(before, "article_id"), number(before, "board_id")));
        }
        long articleId = number(after, "article_id");
        long boardId = number(after, "board_id");
        Long previousBoardId = before == null ? null : number(before, "board_id");
        boolean created = before == null;
        List<BoardWrite> writes = new ArrayList<>();
        if (before != null && number(before, "article_id") != articleId) {
            // the primary key itself was changed with plain SQL: the old id is gone, the new one is new
            writes.add(new RemoveArticle(number(before, "article_id"), previousBoardId));
            previousBoardId = null;
            created = true;
        }
        Map<String, String> fields = ArticleModel.rowFields(articleId, boardId, number(after, "writer_id"),
                (String) after.get("title"), (String) after.get("content"), time(after, "created_at"),
                time(after, "modified_at"));
        if (!created) {
            // an update writes what it changed: the model holds the row as the change before left it (changes
            // apply in order, and a model read from SQL holds the row at its own position), so the columns the
            // change left alone are there already. Most updates change a title, and writing every column cost
            // Redis a third more per update than writing the title alone (bench/results). The raw columns are
            // compared, so a before image the model could not take (a NULL writer_id being repaired) is no reason
            // to refuse the update
            FIELD_OF_COLUMN.forEach((column, field) -> {
                if (Objects.equals(before.get(column), after.get(column))) {
                    fields.remove(field);
                }
            });
        }
        writes.add(new PutArticle(articleId, boardId, previousBoardId, created, fields));
        return writes;
    }

    /**
     * A comment or like counts on the article named in its row while it is live. An update may move it
     * between articles or make it live or dead, so both images are looked at; an update that changes
     * neither (an edited comment) changes no count.
     */
    private static List<BoardWrite> membership(Kind kind, String idColumn, RowChange change,
                                               Predicate<Map<String, Object>> live) {
        Map<String, Object> before = change.before();
        Map<String, Object> after = change.after();
        Member was = before != null && live.test(before) ? Member.of(before, idColumn) : null;
        Member is = after != null && live.test(after) ? Member.of(after, idColumn) : null;
        List<BoardWrite> writes = new ArrayList<>(2);
        if (was != null && !was.equals(is)) {
            writes.add(new CountChange(kind, was.articleId(), -1));
        }
        if (is != null && !is.equals(was)) {
            writes.add(new CountChange(kind, is.articleId(), +1));
        }
        return writes;
    }

    private record Member(long articleId, long memberId) {
        static Member of(Map<String, Object> row, String idColumn) {
            return new Member(number(row, "article_id"), number(row, idColumn));
        }
    }

    private static boolean commentIsLive(Map<String, Object> row) {
        Object deleted = row.get("deleted");
        // BOOLEAN is TINYINT(1): Debezium may hand it over as a boolean or as a number
        return !(Boolean.TRUE.equals(deleted) || (deleted instanceof Number n && n.longValue() != 0));
    }


    private static String time(Map<String, Object> row, String column) {
        return Timestamps.format((LocalDateTime) row.get(column));
    }
}
