package dev.boardcqrs.projector.redis;

import dev.boardcqrs.common.board.ArticleModel;
import dev.boardcqrs.common.board.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.projector.board.ModelOp;
import dev.boardcqrs.projector.board.ModelOp.CatalogChange;
import dev.boardcqrs.projector.catalog.CatalogWriter;
import dev.boardcqrs.projector.board.ModelOp.CountChange;
import dev.boardcqrs.projector.board.ModelOp.Kind;
import dev.boardcqrs.projector.board.ModelOp.PutArticle;
import dev.boardcqrs.projector.board.ModelOp.RemoveArticle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Applies a batch of model operations to Redis in one MULTI/EXEC, together with the new watermark, so a
 * reader sees all of a batch or none of it and the watermark always matches what was applied.
 */
public final class RedisModelWriter {
    private static final String WATERMARK = "watermark";
    private static final String BUILDING = "building";

    private final UnifiedJedis redis;
    private final KeyScheme keys;
    private final long ttlSeconds;
    private final int listLength;
    private final LuaScript putArticle = LuaScript.resource("lua/put_article.lua");
    private final LuaScript removeArticle = LuaScript.resource("lua/remove_article.lua");
    private final LuaScript countChange = LuaScript.resource("lua/count_change.lua");
    private final CatalogWriter catalogs;

    public RedisModelWriter(UnifiedJedis redis, KeyScheme keys, Duration modelTtl, int listLength) {
        this.redis = redis;
        this.keys = keys;
        this.ttlSeconds = Math.max(1, modelTtl.toSeconds());
        this.listLength = listLength;
        this.catalogs = new CatalogWriter(keys);
    }

    /** An operation with the position of the row change it came from; {@code snapshot} while building. */
    public record Planned(ModelOp op, String position, boolean snapshot) {
    }

    /** The watermark of the last applied batch, or null when Redis holds none (new, or its data was lost). */
    public String watermark() {
        return redis.hget(keys.meta(), WATERMARK);
    }

    /**
     * Empties the namespace and marks it as being built, before a snapshot fills it: a snapshot delivers
     * every row again, so whatever an interrupted earlier snapshot left must go.
     */
    public void startBuilding() {
        // flag first: from now on readers use SQL and query-api stores no model that the wipe could miss
        redis.hset(keys.meta(), BUILDING, "1");
        redis.hdel(keys.meta(), WATERMARK);
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams match = new ScanParams().match(keys.everything()).count(1000);
        do {
            ScanResult<String> page = redis.scan(cursor, match);
            String[] stale = page.getResult().stream().filter(key -> !key.equals(keys.meta())).toArray(String[]::new);
            if (stale.length > 0) {
                redis.unlink(stale);
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    }

    /** What {@link #apply} found. */
    public enum Outcome {
        /** Applied, with the new watermark. */
        APPLIED,
        /** The watermark already is the new one: an earlier attempt was applied before its answer was lost. */
        ALREADY_APPLIED,
        /** Redis does not hold the watermark this projector wrote last: its data was lost (flushed, restarted). */
        LOST,
        /** The namespace changed while the batch was being queued; nothing was applied, try again. */
        INTERRUPTED
    }

    /**
     * Applies the operations and the new watermark atomically, if Redis still holds {@code expected} as its
     * watermark. WATCH makes the check and the MULTI/EXEC one step: a FLUSHALL in between aborts the EXEC
     * rather than letting a batch land in an emptied Redis as if nothing had happened. {@code building} is what
     * the namespace's building flag becomes (null leaves it).
     */
    public Outcome apply(List<Planned> ops, String expected, String watermark, Boolean building) {
        loadScripts();
        try (AbstractTransaction tx = redis.transaction(false)) {
            tx.watch(keys.meta());
            String current = redis.hget(keys.meta(), WATERMARK);
            if (watermark != null && watermark.equals(current)) {
                tx.unwatch();
                return Outcome.ALREADY_APPLIED;
            }
            if (!Objects.equals(current, expected)) {
                tx.unwatch();
                return Outcome.LOST;
            }
            tx.multi();
            for (Planned planned : ops) {
                call(tx, planned);
            }
            tx.hset(keys.meta(), WATERMARK, watermark);
            if (building != null) {
                tx.hset(keys.meta(), BUILDING, building ? "1" : "0");
            }
            List<Object> results = tx.exec();
            if (results == null) {
                return Outcome.INTERRUPTED;
            }
            for (Object result : results) {
                if (result instanceof JedisDataException error) {
                    throw error;
                }
            }
            // EXEC answers in queue order: one result per op first, then the meta writes
            for (int i = 0; i < ops.size(); i++) {
                if (ops.get(i).op() instanceof CatalogChange change) {
                    catalogs.checkResult(change.op(), ops.get(i).position(), results.get(i));
                }
            }
            return Outcome.APPLIED;
        }
    }

    // EVALSHA of an unknown script fails inside MULTI without undoing the rest, so make sure Redis knows them first
    private void loadScripts() {
        List<LuaScript> scripts = List.of(putArticle, removeArticle, countChange, CatalogWriter.SCRIPT);
        List<Boolean> known = redis.scriptExists(scripts.stream().map(LuaScript::sha).toList());
        for (int i = 0; i < scripts.size(); i++) {
            if (!known.get(i)) {
                redis.scriptLoad(scripts.get(i).source());
            }
        }
    }

    private void call(AbstractTransaction tx, Planned planned) {
        ModelOp op = planned.op();
        String position = planned.position();
        if (op instanceof PutArticle put) {
            long previous = put.previousBoardId() == null ? put.boardId() : put.previousBoardId();
            String mode = planned.snapshot() ? "snapshot" : put.created() ? "create" : "update";
            List<String> args = new ArrayList<>(List.of(Long.toString(put.articleId()), position, mode,
                    Long.toString(ttlSeconds), Integer.toString(listLength)));
            addFields(args, put.fields());
            tx.evalsha(putArticle.sha(), List.of(keys.article(put.articleId()), keys.board(put.boardId()),
                    keys.boardArticles(put.boardId()), keys.board(previous), keys.boardArticles(previous),
                    keys.articleMissed(put.articleId())), args);
        } else if (op instanceof CatalogChange change) {
            catalogs.queue(tx, change.op());
        } else if (op instanceof RemoveArticle remove) {
            tx.evalsha(removeArticle.sha(), List.of(keys.article(remove.articleId()), keys.board(remove.boardId()),
                    keys.boardArticles(remove.boardId()), keys.articleMissed(remove.articleId())),
                    List.of(Long.toString(remove.articleId()), position));
        } else {
            CountChange count = (CountChange) op;
            String field = count.kind() == Kind.COMMENT ? ArticleModel.COMMENT_COUNT : ArticleModel.LIKE_COUNT;
            tx.evalsha(countChange.sha(), List.of(keys.article(count.articleId()), keys.articleMissed(count.articleId())),
                    List.of(field,
                    Integer.toString(count.delta()), position, planned.snapshot() ? "snapshot" : "stream",
                    Long.toString(ttlSeconds)));
        }
    }

    /** Catalog changes refused since start (they would have closed a cycle); see {@link CatalogWriter}. */
    public long refusedCatalogChanges() {
        return catalogs.refused();
    }

    private static void addFields(List<String> args, Map<String, String> fields) {
        fields.forEach((field, value) -> {
            args.add(field);
            args.add(value == null ? "" : value);
        });
    }
}
