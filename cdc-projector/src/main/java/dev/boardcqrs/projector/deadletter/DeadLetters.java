package dev.boardcqrs.projector.deadletter;

import dev.boardcqrs.common.board.KeyScheme;
import dev.boardcqrs.projector.board.ModelOp;
import dev.boardcqrs.projector.change.RowChange;
import dev.boardcqrs.projector.change.SourcePosition;
import dev.boardcqrs.projector.redis.RedisModelWriter;
import dev.boardcqrs.projector.redis.RedisModelWriter.Planned;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The dead-letter stream ({@link KeyScheme#deadLetters()}): a change the projector cannot apply is kept here
 * with its row images, error and binlog position, and the projector goes on with the next one. So a poison
 * change never stops the pipeline and never disappears silently. An operator lists the entries and retries
 * them once the cause is fixed (usually a projector release that handles the row).
 */
public final class DeadLetters {
    private static final Set<String> CATALOG_TABLES = Set.of("catalog", "product");
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final UnifiedJedis redis;
    private final KeyScheme keys;
    private final String key;
    private final Clock clock;

    public DeadLetters(UnifiedJedis redis, KeyScheme keys, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.key = keys.deadLetters();
        this.clock = clock;
    }

    /**
     * Keeps a row change that failed. A change delivered again after a crash (same position) is kept once.
     * Redis errors propagate: the caller retries, and commits nothing before this is stored.
     */
    public void add(RowChange change, Throwable error) {
        DeadLetter letter = new DeadLetter(null, DeadLetter.CHANGE, change.table(), change.operation().name(),
                RowImages.toJson(change.before()), RowImages.toJson(change.after()), change.position().toString(),
                describe(error), 1, clock.instant().toString());
        store(letter, positionFields(change.position()));
    }

    /** Keeps a record that could not be read as a row change at all, with what is known of it. */
    public void addUnreadable(SourceRecord record, Throwable error) {
        DeadLetter letter = new DeadLetter(null, DeadLetter.UNREADABLE, record.topic(), "unknown", "null",
                String.valueOf(record.value()), String.valueOf(record.sourceOffset()), describe(error), 1,
                clock.instant().toString());
        store(letter, Map.of());
    }

    private void store(DeadLetter letter, Map<String, String> positionFields) {
        boolean known = list().stream().anyMatch(existing -> existing.position().equals(letter.position())
                && existing.table().equals(letter.table()));
        if (known) {
            return;
        }
        StreamEntryID id = redis.xadd(key, StreamEntryID.NEW_ENTRY, letter.toFields(positionFields));
        log.error("dead letter {}: {} on {} at {} could not be applied: {} (list: `cdc-projector deadletters`)",
                id, letter.operation(), letter.table(), letter.position(), letter.error());
    }

    public List<DeadLetter> list() {
        List<DeadLetter> letters = new ArrayList<>();
        for (StreamEntry entry : redis.xrange(key, "-", "+")) {
            letters.add(DeadLetter.fromFields(entry.getID().toString(), entry.getFields()));
        }
        return letters;
    }

    public long count() {
        return redis.xlen(key);
    }

    /** What a retry did: the entries applied (and removed), still failing (kept with the new error), or not retryable. */
    public record RetryResult(List<String> applied, List<String> failed, List<String> notRetryable) {
    }

    /**
     * Plans each stored change again with {@code planner} and applies it alone. An applied entry is removed; a
     * failing one is kept with the new error and one more attempt. Positions still guard every model, so nothing
     * counts twice; but for the same reason a model that has seen later changes would skip this older one, so
     * the article models it touches are dropped afterwards and built from SQL (which holds the row) on their
     * next read.
     */
    public RetryResult retryAll(Function<RowChange, List<ModelOp>> planner, RedisModelWriter writer) {
        List<String> applied = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> notRetryable = new ArrayList<>();
        for (StreamEntry entry : redis.xrange(key, "-", "+")) {
            DeadLetter letter = DeadLetter.fromFields(entry.getID().toString(), entry.getFields());
            if (!DeadLetter.CHANGE.equals(letter.kind()) || CATALOG_TABLES.contains(letter.table())) {
                // the catalog model keeps no position per node, so an old row image would set it back:
                // a rebuild, which reads the current rows, is the fix there
                notRetryable.add(letter.id());
                continue;
            }
            RowChange change = change(letter, entry.getFields());
            try {
                boolean snapshot = change.position().snapshot();
                List<Planned> ops = planner.apply(change).stream()
                        .map(op -> new Planned(op, change.position().sortKey(), snapshot)).toList();
                writer.applyAlone(ops);
                ops.forEach(planned -> writer.forgetModel(articleOf(planned.op())));
                redis.xdel(key, entry.getID());
                log.info("dead letter {} retried and applied: {} on {} at {}", letter.id(), letter.operation(),
                        letter.table(), letter.position());
                applied.add(letter.id());
            } catch (RuntimeException e) {
                DeadLetter again = new DeadLetter(null, letter.kind(), letter.table(), letter.operation(),
                        letter.before(), letter.after(), letter.position(), describe(e), letter.attempts() + 1,
                        clock.instant().toString());
                StreamEntryID id = redis.xadd(key, StreamEntryID.NEW_ENTRY, again.toFields(positionFields(change.position())));
                redis.xdel(key, entry.getID());
                log.warn("dead letter {} failed again (now {}): {}", letter.id(), id, again.error());
                failed.add(id.toString());
            }
        }
        return new RetryResult(applied, failed, notRetryable);
    }

    private static long articleOf(ModelOp op) {
        if (op instanceof ModelOp.PutArticle put) {
            return put.articleId();
        }
        if (op instanceof ModelOp.RemoveArticle remove) {
            return remove.articleId();
        }
        return ((ModelOp.CountChange) op).articleId();
    }

    private static RowChange change(DeadLetter letter, Map<String, String> fields) {
        SourcePosition position = new SourcePosition(fields.get("file"), Long.parseLong(fields.get("pos")),
                Long.parseLong(fields.get("event")), Long.parseLong(fields.get("row")), fields.get("gtid"),
                Boolean.parseBoolean(fields.get("snapshot")), false);
        return new RowChange(letter.table(), RowChange.Operation.valueOf(letter.operation()),
                RowImages.fromJson(letter.before()), RowImages.fromJson(letter.after()), position, 0);
    }

    private static Map<String, String> positionFields(SourcePosition position) {
        Map<String, String> fields = new HashMap<>(Map.of(
                "file", String.valueOf(position.file()),
                "pos", Long.toString(position.position()),
                "event", Long.toString(position.event()),
                "row", Long.toString(position.row()),
                "snapshot", Boolean.toString(position.snapshot())));
        if (position.gtid() != null) {
            fields.put("gtid", position.gtid());
        }
        return fields;
    }

    private static String describe(Throwable error) {
        return error.getClass().getSimpleName() + ": " + error.getMessage();
    }
}
