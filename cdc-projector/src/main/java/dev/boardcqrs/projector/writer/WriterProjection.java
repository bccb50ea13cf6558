package dev.boardcqrs.projector.writer;

import static dev.boardcqrs.projector.source.RowChange.number;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.common.writer.WriterKeys;
import dev.boardcqrs.projector.redis.CountedLists;
import dev.boardcqrs.projector.redis.ListGuard;
import dev.boardcqrs.projector.redis.RedisBatch;
import dev.boardcqrs.projector.redis.RedisProjection;
import dev.boardcqrs.projector.redis.ReplyCheck;
import dev.boardcqrs.projector.source.RowChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The "articles by writer" read model: each writer's article count and list of newest articles, like a board's.
 * Decided from the article row's images alone: a new row joins its writer's list, a deleted one leaves it, and an
 * update that changes the writer (or the primary key, with plain SQL) moves it. The articles themselves are read
 * from the board model's article models.
 */
public final class WriterProjection implements RedisProjection<WriterProjection.ListChange> {

    private final int listLength;
    private final ListGuard guard;

    /**
     * {@code listLength}: how many of a writer's newest articles the list holds; {@code guard}: how a writer's count
     * and list skip changes they took (the order the source keeps).
     */
    public WriterProjection(int listLength, ListGuard guard) {
        this.listLength = listLength;
        this.guard = guard;
    }

    /** Add the article to its writer's list and count ({@code delta} +1), or take it off (-1). */
    public record ListChange(long writerId, long articleId, int delta) {
    }

    @Override
    public String name() {
        return "writer";
    }

    @Override
    public List<String> tables() {
        return List.of("article");
    }

    @Override
    public List<ListChange> plan(RowChange change) {
        Map<String, Object> before = change.before();
        Map<String, Object> after = change.after();
        Member was = before == null ? null : new Member(number(before, "writer_id"), number(before, "article_id"));
        Member is = after == null ? null : new Member(number(after, "writer_id"), number(after, "article_id"));
        List<ListChange> changes = new ArrayList<>(2);
        if (was != null && !was.equals(is)) {
            changes.add(new ListChange(was.writerId(), was.articleId(), -1));
        }
        if (is != null && !is.equals(was)) {
            changes.add(new ListChange(is.writerId(), is.articleId(), +1));
        }
        return changes;
    }

    private record Member(long writerId, long articleId) {
    }

    @Override
    public List<LuaScript> scripts() {
        return List.of(CountedLists.SCRIPT);
    }

    @Override
    public void queue(List<Planned<ListChange>> writes, RedisBatch batch) {
        WriterKeys keys = WriterKeys.in(batch.generation());
        for (Planned<ListChange> planned : writes) {
            ListChange change = planned.write();
            batch.call(CountedLists.SCRIPT, List.of(keys.writer(change.writerId()),
                    keys.writerArticles(change.writerId())), CountedLists.arguments(change.articleId(), change.delta(),
                    planned, listLength, guard), 1, ReplyCheck.APPLIED);
        }
    }

    /**
     * A list skips a change older than the last one it took, so an old change applied late would leave it wrong;
     * and a dropped list would count again from nothing.
     */
    @Override
    public String whyNotRetryable() {
        return "a writer's list cannot take an old change late (it skips changes older than its last one): `rebuild` "
                + "reads the current rows";
    }

    @Override
    public List<String> keysToForgetAfterRetry(ListChange write, KeyScheme generation) {
        return List.of();
    }
}
