package dev.boardcqrs.projector.redis;

import static dev.boardcqrs.projector.store.StreamWatermarks.WATERMARK;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.projector.redis.ProjectorRedis.Read;
import dev.boardcqrs.projector.redis.ProjectorRedis.ReplyError;
import dev.boardcqrs.projector.redis.ProjectorRedis.Transaction;
import dev.boardcqrs.projector.redis.RedisProjection.Planned;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.store.GenerationReplacedException;
import dev.boardcqrs.projector.store.ModelStore;
import dev.boardcqrs.projector.store.Refusal;
import dev.boardcqrs.projector.store.StoreBatch;
import dev.boardcqrs.projector.store.StoreBatch.Building;
import dev.boardcqrs.projector.store.StreamTakenOverException;
import dev.boardcqrs.projector.store.StreamWatermarks;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One generation of the Redis read models: plans each batch with the registered {@link RedisProjection}s and
 * applies it in one MULTI/EXEC together with the new watermark, so a reader sees all of a batch or none of it and
 * the watermark always matches what was applied. WATCH on the generation's meta makes the check of the watermark
 * and the write one step: a FLUSHALL in between aborts the EXEC rather than letting a batch land in an emptied
 * Redis as if nothing had happened. A generation filled by a rebuild becomes the active one in the same
 * MULTI/EXEC as the first batch that brings it level with the active one, so readers never see the models go
 * back in time.
 */
public final class RedisStore implements ModelStore {
    private static final Logger log = LoggerFactory.getLogger(RedisStore.class);
    /** The meta's field that is "1" while a generation is built (readers use SQL) and "0" once it is complete. */
    public static final String BUILDING = "building";
    static final String GTIDS = KeyScheme.APPLIED_GTIDS;
    static final String CAUGHT_UP = "caughtUp@";

    private final ProjectorRedis redis;
    private final KeyScheme keys;
    private final KeyScheme namespace;
    private final List<RedisProjection<?>> projections;
    private final List<String> tables;
    private final List<LuaScript> scripts;
    // null: the embedded engine's one stream, whose position is the meta's "watermark"
    private final String stream;
    private final String watermarkField;
    // a stream's ModelStore#streamed: position@STREAM, beside its watermark
    private final String streamedField;
    // whether Redis lets this user publish the applied set; null until first asked
    private volatile Boolean publishes;
    // set while this generation is a rebuild waiting to take over; run once it has
    private volatile Runnable onTakenOver;

    /** {@code keys}: the generation this store fills. */
    public RedisStore(ProjectorRedis redis, KeyScheme keys, List<RedisProjection<?>> projections) {
        this(redis, keys, projections, null);
    }

    /**
     * The store of one stream of a generation filled by several (a Kafka partition, named "topic-partition"): its
     * watermark is the meta's field {@code watermark@STREAM}, beside the other streams', and a batch commits only
     * if that field still holds what this store committed last, so an instance that lost the stream and has not
     * noticed (a zombie) cannot overwrite its new owner's progress ({@link StreamTakenOverException}). It keeps no
     * set of applied source transactions: read-your-writes tokens are answered from SQL in that mode.
     */
    public RedisStore(ProjectorRedis redis, KeyScheme keys, List<RedisProjection<?>> projections, String stream) {
        if (stream != null && !stream.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("not a stream name: '" + stream + "'");
        }
        this.stream = stream;
        this.watermarkField = StreamWatermarks.field(stream);
        this.streamedField = stream == null ? null : StreamWatermarks.positionField(stream);
        this.redis = redis;
        this.keys = keys;
        this.namespace = new KeyScheme(keys.namespace());
        this.projections = List.copyOf(projections);
        LinkedHashSet<String> read = new LinkedHashSet<>();
        LinkedHashSet<LuaScript> called = new LinkedHashSet<>();
        for (RedisProjection<?> projection : projections) {
            read.addAll(projection.tables());
            called.addAll(projection.scripts());
        }
        this.tables = List.copyOf(read);
        this.scripts = List.copyOf(called);
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public List<String> tables() {
        return tables;
    }

    public String generation() {
        return keys.generation();
    }

    @Override
    public String watermark() {
        return redis.hget(keys.meta(), watermarkField);
    }

    @Override
    public String applied() {
        return stream == null ? redis.hget(keys.meta(), GTIDS) : null;
    }

    @Override
    public String streamed() {
        return stream == null ? null : redis.hget(keys.meta(), streamedField);
    }

    @Override
    public void startBuilding() {
        if (stream != null) {
            // the generation holds the other streams' models too
            throw new IllegalStateException("one stream of several cannot empty generation " + keys.generation());
        }
        // flag first: if this generation is active, from now on readers use SQL and query-api stores no model
        // that the wipe could miss
        redis.hset(keys.meta(), BUILDING, "1");
        redis.hdel(keys.meta(), WATERMARK);
        redis.hdel(keys.meta(), GTIDS);
        redis.unlinkMatching(keys.everything(), keys.meta()::equals);
    }

    /** A generation an earlier version filled (a position, but no layout): its models are under other names. */
    @Override
    public String whyNotResumable() {
        Map<String, String> meta = redis.hgetAll(keys.meta());
        boolean written = meta.keySet().stream().anyMatch(field -> field.equals(WATERMARK)
                || StreamWatermarks.isStreamField(field));
        if (written && !KeyScheme.LAYOUT_VERSION.equals(meta.get(KeyScheme.LAYOUT))) {
            return "generation " + keys.generation() + " keeps its models under key layout "
                    + meta.getOrDefault(KeyScheme.LAYOUT, "1") + " of an earlier version, and this one reads layout "
                    + KeyScheme.LAYOUT_VERSION + " (keys tagged for Redis Cluster)";
        }
        return null;
    }

    /**
     * Marks this stream caught up ({@code caughtUp@STREAM}) in a generation being built, and ends the building once
     * every stream has: each stream marks itself before it looks at the others, so the last one to mark sees them all.
     */
    @Override
    public void caughtUp(Collection<String> streams) {
        if (stream == null || !keys.generation().equals(redis.get(namespace.active()))
                || !"1".equals(redis.hget(keys.meta(), BUILDING))) {
            return;
        }
        redis.hset(keys.meta(), CAUGHT_UP + stream, "1");
        for (String other : streams) {
            if (redis.hget(keys.meta(), CAUGHT_UP + other) == null) {
                return;
            }
        }
        redis.hset(keys.meta(), BUILDING, "0");
    }

    @Override
    public void takeOverWhenLevel(Runnable onTakenOver) {
        this.onTakenOver = onTakenOver;
    }

    @Override
    public List<Refusal> commit(StoreBatch batch, Unplannable unplannable) throws InterruptedException {
        PlannedBatch plan = PlannedBatch.plan(projections, batch.changes());
        if (!plan.refusals().isEmpty()) {
            unplannable.refused(plan.refusals());
        }
        PlannedBatch left = plan;
        while (true) {
            Attempt attempt = attempt(left, batch);
            switch (attempt.outcome()) {
                case APPLIED:
                    return attempt.refusals();
                case ALREADY_APPLIED:
                case REPLACED:
                    return List.of();
                case LOST:
                    throw new RedisDataLostException(batch.expected(), attempt.found());
                case WATCHED_KEY_CHANGED:
                    if (redis.cluster()) {
                        // a cluster commits the models' slots before the watched ones (the position last): those
                        // are written, and only the position is left. Writing them again would count a snapshot
                        // row twice, which no position guards (rows of a new generation come once). A refusal
                        // among them is not known: their replies went with the aborted EXEC's.
                        left = PlannedBatch.NOTHING;
                    }
                    continue;
                default:
                    throw new IllegalStateException("unknown outcome " + attempt.outcome());
            }
        }
    }

    /** What one attempt to commit a batch found. */
    private enum Outcome {
        /** Applied, with the new watermark. */
        APPLIED,
        /** The watermark already is the new one: an earlier attempt was applied before its answer was lost. */
        ALREADY_APPLIED,
        /** Redis does not hold the watermark this projector wrote last: its data was lost (flushed, restarted). */
        LOST,
        /** A watched key changed while the batch was being queued; nothing was applied, try again. */
        WATCHED_KEY_CHANGED,
        /** Another generation has taken over from this one: nothing was written, none is needed. */
        REPLACED
    }

    /** {@code found}: the watermark Redis holds, when it is not the expected one. */
    private record Attempt(Outcome outcome, List<Refusal> refusals, String found) {
        static Attempt of(Outcome outcome) {
            return new Attempt(outcome, List.of(), null);
        }
    }

    private Attempt attempt(PlannedBatch plan, StoreBatch batch) {
        try (Transaction tx = redis.transaction()) {
            // three round trips for a batch: WATCH with the reads (and the scripts' check: an EVALSHA of an unknown
            // script fails inside MULTI without undoing the rest), MULTI/EXEC (Jedis reads the QUEUED replies
            // before it sends EXEC; sending it at once made streaming slower). Read after the WATCH: a change after
            // it aborts the EXEC, one before it is what the reads see.
            List<String> found = redis.watchAndRead(tx, List.of(keys.meta(), namespace.active()), scripts,
                    List.of(Read.hashField(keys.meta(), watermarkField), Read.hashField(keys.meta(), BUILDING),
                            Read.string(namespace.active())));
            String current = found.get(0);
            String building = found.get(1);
            String active = found.get(2);
            if (batch.watermark() != null && batch.watermark().equals(current)) {
                return Attempt.of(Outcome.ALREADY_APPLIED);
            }
            Runnable takeOver = onTakenOver;
            Attempt refused = refusal(batch.expected(), current, active, takeOver);
            if (refused != null) {
                return refused;
            }
            String replaced = takeOver == null ? null : stream == null ? levelWithActive(tx, batch, building, active)
                    : streamsLevelWithActive(tx, batch, active);
            tx.multi();
            PlannedBatch.Queued queued = plan.queue(tx, keys, redis.cluster());
            tx.hset(keys.meta(), watermarkField, batch.watermark());
            tx.hset(keys.meta(), KeyScheme.LAYOUT, KeyScheme.LAYOUT_VERSION);
            if (stream == null) {
                if (batch.applied() != null) {
                    // with the models it describes: a reader that sees it sees them (read-your-writes)
                    tx.hset(keys.meta(), GTIDS, batch.applied());
                    if (keys.generation().equals(active) && !buildingAfter(batch, building) && mayPublish()) {
                        // what query-api's applied script would answer right after this EXEC, pushed to readers
                        // waiting for a token so they need not ask. Not in the batch that switches readers to this
                        // generation (active still names the other one): the next batch's message, or query-api's
                        // own read of the meta, releases them.
                        tx.publish(namespace.appliedChannel(), batch.applied());
                    }
                }
            } else {
                // a partition's set would not say which partitions a transaction reached: readers with a token
                // must not wait for one that never comes
                tx.hset(keys.meta(), KeyScheme.TOKENS, KeyScheme.TOKENS_FROM_SQL);
                if (batch.streamed() != null) {
                    tx.hset(keys.meta(), streamedField, batch.streamed());
                }
            }
            if (batch.building() != Building.UNCHANGED) {
                tx.hset(keys.meta(), BUILDING, batch.building() == Building.STARTED ? "1" : "0");
            }
            if (replaced != null) {
                tx.set(namespace.active(), keys.generation());
                tx.del(namespace.rebuilding());
                if (!replaced.isEmpty() && !replaced.equals(keys.generation())) {
                    // listed for removal in the same step, so a stop right after the switch leaks nothing
                    tx.sadd(namespace.retired(), replaced);
                }
            }
            List<Object> replies = tx.exec();
            if (replies == null) {
                return Attempt.of(Outcome.WATCHED_KEY_CHANGED);
            }
            for (int i = queued.calls(); i < replies.size(); i++) {
                if (replies.get(i) instanceof ReplyError error) {
                    // the watermark itself: nothing can be trusted
                    throw new RefusedByRedisException(error.message());
                }
            }
            List<Refusal> refusals = queued.refusals(replies);
            if (replaced != null) {
                // the switch happened whatever Redis refused: the projector must follow it
                onTakenOver = null;
                takeOver.run();
            }
            return new Attempt(Outcome.APPLIED, refusals, null);
        }
    }

    /**
     * Whether this user may publish the applied set, asked once (with an empty set, which covers no token): a PUBLISH
     * an ACL refuses inside the MULTI would abort every batch.
     */
    private boolean mayPublish() {
        if (publishes == null) {
            publishes = redis.publish(namespace.appliedChannel(), "");
            if (!publishes) {
                log.warn("Redis refuses this user PUBLISH on {}: query-api's reads with a consistency token wait by "
                        + "asking Redis instead of being told (allow the channel with &{} in the ACL)",
                        namespace.appliedChannel(), namespace.appliedChannel());
            }
        }
        return publishes;
    }

    private static boolean buildingAfter(StoreBatch batch, String buildingBefore) {
        return switch (batch.building()) {
            case UNCHANGED -> "1".equals(buildingBefore);
            case STARTED -> true;
            case FINISHED -> false;
        };
    }

    /**
     * Why a commit expecting watermark {@code expected} must not write, from what Redis holds ({@code current}, and the
     * generation readers use, {@code active}); null when it may. Shared by commits and {@link #confirm}, so an idle
     * stream finds what its next commit would.
     *
     * @throws GenerationReplacedException a stream's generation was replaced by another instance's
     * @throws StreamTakenOverException another instance committed to this stream since
     */
    private Attempt refusal(String expected, String current, String active, Runnable takeOver) {
        if (stream != null && takeOver == null && active != null && !active.equals(keys.generation())) {
            // another instance made a new generation (and may have removed this one, its positions with it):
            // not a loss of Redis' data, which would make this instance build yet another one
            throw new GenerationReplacedException(keys.generation(), active);
        }
        if (!Objects.equals(current, expected)) {
            if (stream != null && current != null) {
                throw new StreamTakenOverException(name(), stream, expected, current);
            }
            return new Attempt(Outcome.LOST, List.of(), current);
        }
        if (takeOver == null) {
            // the generation readers use: its pointer must still name it. Gone: Redis lost its data (perhaps
            // before this generation wrote a watermark). Naming another: a rebuild took over; nobody reads
            // this generation any more and it is about to be stopped, so there is nothing to write.
            if (active == null) {
                return new Attempt(Outcome.LOST, List.of(), "no active generation");
            }
            if (!active.equals(keys.generation())) {
                return Attempt.of(Outcome.REPLACED);
            }
        }
        return null;
    }

    @Override
    public void confirm(String watermark) {
        List<String> found = redis.loadScriptsAndRead(List.of(), List.of(Read.hashField(keys.meta(), watermarkField),
                Read.string(namespace.active())));
        Attempt refused = refusal(watermark, found.get(0), found.get(1), onTakenOver);
        if (refused != null && refused.outcome() == Outcome.LOST) {
            throw new RedisDataLostException(watermark, refused.found());
        }
    }

    /**
     * For a rebuild's generation: the generation it replaces ("" for none) when, after the batch, it is complete
     * and at least as new as the active one; else null. {@code building} and {@code active} were read under WATCH;
     * the active generation's meta is watched too, so a batch the active generation applies meanwhile aborts this
     * transaction and the comparison is made again.
     */
    private String levelWithActive(Transaction tx, StoreBatch batch, String building, String active) {
        boolean built = batch.building() == Building.FINISHED
                || (batch.building() == Building.UNCHANGED && "0".equals(building));
        if (!built || batch.watermark() == null) {
            return null;
        }
        if (active == null || active.equals(keys.generation())) {
            return active == null ? "" : active;
        }
        KeyScheme serving = keys.inGeneration(active);
        tx.watch(serving.meta());
        String servingWatermark = redis.hget(serving.meta(), WATERMARK);
        return servingWatermark == null || batch.watermark().compareTo(servingWatermark) >= 0 ? active : null;
    }

    /**
     * For a stream of a rebuild's generation (a Kafka partition): the generation it replaces when, with this batch,
     * every stream of it holds at least the offset the active generation holds for that stream; else null. A stream
     * the active one has not read yet is level with any. The active generation's meta is watched, so a batch it
     * applies meanwhile aborts this transaction and the comparison is made again; this generation's meta is watched
     * already, so of two streams bringing it level at once one commits first and the other compares again.
     * Comparing every stream at one moment, not each once, keeps readers from seeing a partition's newest changes
     * vanish at the switch; both generations read the same records, so they are level often while both keep up.
     */
    private String streamsLevelWithActive(Transaction tx, StoreBatch batch, String active) {
        if (active == null || active.equals(keys.generation()) || batch.watermark() == null) {
            return null; // none to replace (Redis lost it: the lifecycle abandons this rebuild), or switched already
        }
        KeyScheme serving = keys.inGeneration(active);
        tx.watch(serving.meta());
        Map<String, String> own = redis.hgetAll(keys.meta());
        return StreamWatermarks.level(redis.hgetAll(serving.meta()),
                field -> field.equals(watermarkField) ? batch.watermark() : own.get(field)) ? active : null;
    }

    @Override
    public void retry(RowChange change, String projectionName) {
        List<RedisProjection<?>> retried = projections.stream().filter(projection -> projectionName == null
                ? projection.tables().contains(change.table()) : projection.name().equals(projectionName)).toList();
        if (retried.isEmpty()) {
            throw new NotRetryableException("no read model " + (projectionName == null ? "reads " + change.table()
                    : "is called '" + projectionName + "'"));
        }
        for (RedisProjection<?> projection : retried) {
            if (projection.whyNotRetryable() != null) {
                throw new NotRetryableException(projection.whyNotRetryable());
            }
        }
        for (RedisProjection<?> projection : retried) {
            retry(projection, change);
        }
    }

    private <W> void retry(RedisProjection<W> projection, RowChange change) {
        String position = change.position().sortKey();
        boolean snapshot = change.position().snapshot();
        List<Planned<W>> writes = projection.plan(change).stream().map(write -> new Planned<>(write, position, snapshot))
                .toList();
        applyAlone(projection, writes);
        for (Planned<W> planned : writes) {
            List<String> forget = projection.keysToForgetAfterRetry(planned.write(), keys);
            if (!forget.isEmpty()) {
                redis.unlink(forget.toArray(String[]::new));
            }
        }
    }

    /**
     * Applies writes of one projection in one MULTI/EXEC, without touching the watermark.
     *
     * @throws RefusedByRedisException for the first write Redis refused; the others are applied
     */
    public <W> void applyAlone(RedisProjection<W> projection, List<Planned<W>> writes) {
        redis.loadScripts(projection.scripts());
        try (Transaction tx = redis.transaction()) {
            tx.multi();
            List<Refusal> refusals = PlannedBatch.of(projection, writes).queue(tx, keys, redis.cluster())
                    .refusals(tx.exec());
            if (!refusals.isEmpty()) {
                throw new RefusedByRedisException(refusals.get(0).error().getMessage());
            }
        }
    }
}
