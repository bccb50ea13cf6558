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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Applies a batch of model operations to one generation in Redis in one MULTI/EXEC, together with the new
 * watermark, so a reader sees all of a batch or none of it and the watermark always matches what was applied.
 * A generation filled by a rebuild becomes the active one in the same MULTI/EXEC as the first batch that
 * brings it level with the active one, so readers never see the models go back in time.
 */
public final class RedisModelWriter {
    private static final String WATERMARK = "watermark";
    private static final String BUILDING = "building";
    /** Bounds one script call, and with it how long Redis runs it without serving anyone else. */
    static final int COUNT_CHANGES_PER_CALL = 256;

    private final UnifiedJedis redis;
    private final KeyScheme keys;
    private final KeyScheme namespace;
    // set while this generation is a rebuild waiting to take over; run once it has
    private volatile Runnable onActivated;
    private final long ttlSeconds;
    private final int listLength;
    private final LuaScript putArticle = LuaScript.resource("lua/put_article.lua");
    private final LuaScript removeArticle = LuaScript.resource("lua/remove_article.lua");
    private final LuaScript countChange = LuaScript.resource("lua/count_change.lua");
    private final CatalogWriter catalogs;

    /** {@code keys}: the generation this writer fills. */
    public RedisModelWriter(UnifiedJedis redis, KeyScheme keys, Duration modelTtl, int listLength) {
        this.redis = redis;
        this.keys = keys;
        this.namespace = new KeyScheme(keys.namespace());
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

    public String generation() {
        return keys.generation();
    }

    /**
     * Empties the generation and marks it as being built, before a snapshot fills it: a snapshot delivers
     * every row again, so whatever an interrupted earlier snapshot left must go.
     */
    public void startBuilding() {
        // flag first: if this generation is active, from now on readers use SQL and query-api stores no model
        // that the wipe could miss
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

    /**
     * Makes this generation (a rebuild's) the active one as soon as a batch brings it level with the active
     * generation: its snapshot is done and its watermark is at or past the active one's. {@code onActivated}
     * runs on the writing thread right after that batch.
     */
    public void activateWhenCaughtUp(Runnable onActivated) {
        this.onActivated = onActivated;
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
        INTERRUPTED,
        /** Another generation has taken over from this one: nothing was written, none is needed. */
        REPLACED
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
            Runnable activated = onActivated;
            if (activated == null) {
                // the generation readers use: its pointer must still name it. Gone: Redis lost its data (perhaps
                // before this generation wrote a watermark). Naming another: a rebuild took over; nobody reads
                // this generation any more and it is about to be stopped, so there is nothing to write.
                tx.watch(namespace.active());
                String active = redis.get(namespace.active());
                if (active == null) {
                    tx.unwatch();
                    return Outcome.LOST;
                }
                if (!active.equals(keys.generation())) {
                    tx.unwatch();
                    return Outcome.REPLACED;
                }
            }
            boolean activate = activated != null && caughtUp(tx, watermark, building);
            tx.multi();
            List<int[]> calls = queue(tx, ops);
            tx.hset(keys.meta(), WATERMARK, watermark);
            if (building != null) {
                tx.hset(keys.meta(), BUILDING, building ? "1" : "0");
            }
            if (activate) {
                String replaced = redis.get(namespace.active()); // watched by caughtUp
                tx.set(namespace.active(), keys.generation());
                tx.del(namespace.rebuilding());
                if (replaced != null && !replaced.equals(keys.generation())) {
                    // listed for removal in the same step, so a stop right after the switch leaks nothing
                    tx.sadd(namespace.retired(), replaced);
                }
            }
            List<Object> results = tx.exec();
            if (results == null) {
                return Outcome.INTERRUPTED;
            }
            Map<Integer, JedisDataException> refused = new TreeMap<>();
            for (int i = 0; i < results.size(); i++) {
                if (i >= calls.size()) {
                    if (results.get(i) instanceof JedisDataException error) {
                        throw error; // the watermark itself: nothing can be trusted
                    }
                    continue;
                }
                refused.putAll(refusals(ops, calls.get(i), results.get(i)));
            }
            if (activate) {
                // the switch happened whatever Redis refused: the projector must follow it
                onActivated = null;
                activated.run();
            }
            if (!refused.isEmpty()) {
                throw new PartlyAppliedException(refused);
            }
            return Outcome.APPLIED;
        }
    }

    /** Drops an article's model from this generation; the next read builds it from SQL. */
    public void forgetModel(long articleId) {
        redis.unlink(keys.article(articleId));
    }

    /**
     * Applies operations outside the engine's batches, without touching the watermark: a dead letter being
     * retried. The models' positions still decide, so a change a model already contains is not counted again.
     */
    public void applyAlone(List<Planned> ops) {
        loadScripts();
        try (AbstractTransaction tx = redis.multi()) {
            List<int[]> calls = queue(tx, ops);
            List<Object> results = tx.exec();
            for (int i = 0; i < calls.size(); i++) {
                Map<Integer, JedisDataException> refused = refusals(ops, calls.get(i), results.get(i));
                if (!refused.isEmpty()) {
                    throw refused.values().iterator().next();
                }
            }
        }
    }

    /**
     * Queues the operations in order, consecutive streamed count changes (most of a board's traffic) together in
     * one script call of at most {@link #COUNT_CHANGES_PER_CALL}. Answers, per queued call, the range of {@code ops}
     * it carries: {from, to}.
     */
    private List<int[]> queue(AbstractTransaction tx, List<Planned> ops) {
        List<int[]> calls = new ArrayList<>();
        int from = 0;
        while (from < ops.size()) {
            int to = from + 1;
            if (groupable(ops.get(from))) {
                while (to < ops.size() && to - from < COUNT_CHANGES_PER_CALL && groupable(ops.get(to))) {
                    to++;
                }
                countChanges(tx, ops.subList(from, to));
            } else {
                call(tx, ops.get(from));
            }
            calls.add(new int[] {from, to});
            from = to;
        }
        return calls;
    }

    /**
     * Streamed count changes only. The count script answers each change's error on its own, so one refused
     * change does not take its neighbours with it; but a call that fails as a whole refuses all its changes,
     * and only streamed ones are safe to retry whatever part was applied (their models' positions skip what
     * was). Snapshot rows are counted without positions, so each keeps a call of its own.
     */
    private static boolean groupable(Planned planned) {
        return planned.op() instanceof CountChange && !planned.snapshot();
    }

    /**
     * The operations of one queued call that Redis refused, by index in {@code ops}: the whole call's when it
     * failed as a whole, else those the count script answered with an error. The count script answers a list
     * only when it refused something: a list from every call made Redis spend about 1.7 times as long per
     * snapshot row.
     */
    private Map<Integer, JedisDataException> refusals(List<Planned> ops, int[] call, Object result) {
        Map<Integer, JedisDataException> refused = new TreeMap<>();
        if (result instanceof List<?> perChange) {
            for (int i = 0; i < perChange.size(); i++) {
                Object answer = perChange.get(i);
                if (answer instanceof byte[] || answer instanceof String || answer instanceof JedisDataException) {
                    refused.put(call[0] + i, answer instanceof JedisDataException error ? error
                            : new JedisDataException(answer instanceof byte[] bytes
                                    ? new String(bytes, StandardCharsets.UTF_8) : (String) answer));
                }
            }
            return refused;
        }
        JedisDataException error = result instanceof JedisDataException failed ? failed
                : catalogRefusal(ops.get(call[0]), result) == null ? null
                : new JedisDataException(catalogRefusal(ops.get(call[0]), result));
        if (error != null) {
            for (int i = call[0]; i < call[1]; i++) {
                refused.put(i, error);
            }
        }
        return refused;
    }

    // the catalog script answers "ok" or why it left the model as it was
    private String catalogRefusal(Planned planned, Object result) {
        return planned.op() instanceof CatalogChange ? catalogs.refusal(result) : null;
    }

    /**
     * Whether this generation, after the batch, is complete and at least as new as the active one. The active
     * pointer and the active generation's meta are watched, so a batch the active generation applies meanwhile
     * aborts this transaction and the comparison is made again.
     */
    private boolean caughtUp(AbstractTransaction tx, String watermark, Boolean building) {
        boolean built = Boolean.FALSE.equals(building) || (building == null && "0".equals(redis.hget(keys.meta(), BUILDING)));
        if (!built || watermark == null) {
            return false;
        }
        tx.watch(namespace.active());
        String active = redis.get(namespace.active());
        if (active == null || active.equals(keys.generation())) {
            return true;
        }
        KeyScheme serving = keys.inGeneration(active);
        tx.watch(serving.meta());
        String servingWatermark = redis.hget(serving.meta(), WATERMARK);
        return servingWatermark == null || watermark.compareTo(servingWatermark) >= 0;
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
            countChanges(tx, List.of(planned));
        }
    }

    private void countChanges(AbstractTransaction tx, List<Planned> changes) {
        List<String> scriptKeys = new ArrayList<>(changes.size() * 2);
        List<String> args = new ArrayList<>(1 + changes.size() * 4);
        args.add(Long.toString(ttlSeconds));
        for (Planned planned : changes) {
            CountChange count = (CountChange) planned.op();
            scriptKeys.add(keys.article(count.articleId()));
            scriptKeys.add(keys.articleMissed(count.articleId()));
            args.add(count.kind() == Kind.COMMENT ? ArticleModel.COMMENT_COUNT : ArticleModel.LIKE_COUNT);
            args.add(Integer.toString(count.delta()));
            args.add(planned.position());
            args.add(planned.snapshot() ? "snapshot" : "stream");
        }
        tx.evalsha(countChange.sha(), scriptKeys, args);
    }

    private static void addFields(List<String> args, Map<String, String> fields) {
        fields.forEach((field, value) -> {
            args.add(field);
            args.add(value == null ? "" : value);
        });
    }
}
