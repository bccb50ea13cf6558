package dev.boardcqrs.projector.deadletter;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.projector.redis.ProjectorRedis;
import dev.boardcqrs.projector.redis.ProjectorRedis.StreamEntry;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.SourceEvent;
import dev.boardcqrs.projector.source.SourcePosition;
import dev.boardcqrs.projector.store.ModelStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter stream ({@link KeyScheme#deadLetters()}): a change a read model cannot take is kept here with
 * its row images, the read model, the error and its source position, and the projector goes on with the next one.
 * So a poison change never stops the pipeline and never disappears silently. An operator lists the entries and
 * retries them once the cause is fixed (usually a projector release that handles the row).
 */
public final class DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    /**
     * What a dead-letter write that waits for Redis is called in the status and in {@code projector_errors_total}:
     * the stream lives in Redis, but that wait is no Redis store's batch retrying.
     */
    public static final String NAME = "dead-letters";

    private final ProjectorRedis redis;
    private final String key;
    private final Clock clock;

    public DeadLetters(ProjectorRedis redis, KeyScheme keys, Clock clock) {
        this.redis = redis;
        this.key = keys.deadLetters();
        this.clock = clock;
    }

    /**
     * Keeps a row change that read model {@code projection} of {@code store} could not take. A change delivered again after a crash
     * (same position and table) is kept once. Redis errors propagate: the caller retries, and commits nothing
     * before this is stored.
     */
    public void add(RowChange change, String store, String projection, Throwable error) {
        DeadLetter letter = new DeadLetter(null, DeadLetter.CHANGE, store, projection, change.table(),
                change.operation().name(), RowImages.toJson(change.before()), RowImages.toJson(change.after()),
                change.position().toString(), describe(error), 1, clock.instant().toString());
        store(letter, positionFields(change.position()));
    }

    /** Keeps a record that could not be read as a row change at all, with what is known of it. */
    public void addUnreadable(SourceEvent.Unreadable record) {
        DeadLetter letter = new DeadLetter(null, DeadLetter.UNREADABLE, null, null, record.origin(), "unknown", "null",
                record.content(), record.position(), describe(record.error()), 1, clock.instant().toString());
        store(letter, Map.of());
    }

    private void store(DeadLetter letter, Map<String, String> positionFields) {
        boolean known = list().stream().anyMatch(existing -> existing.position().equals(letter.position())
                && existing.table().equals(letter.table())
                && java.util.Objects.equals(existing.projection(), letter.projection()));
        if (known) {
            return;
        }
        String id = redis.xadd(key, letter.toFields(positionFields));
        log.error("dead letter {}: {} on {} at {} could not be applied{}: {} (list: `cdc-projector deadletters`)",
                id, letter.operation(), letter.table(), letter.position(),
                letter.projection() == null ? "" : " to read model " + letter.projection(), letter.error());
    }

    public List<DeadLetter> list() {
        List<DeadLetter> letters = new ArrayList<>();
        for (StreamEntry entry : redis.xrange(key)) {
            letters.add(DeadLetter.fromFields(entry.id(), entry.fields()));
        }
        return letters;
    }

    /**
     * The positions (sortable text) of the changes {@code store} refused that are kept here: a retry applies them
     * whatever the store's watermark, so what protects against them must stay (the search store's tombstones).
     */
    public List<String> positions(String store) {
        List<String> positions = new ArrayList<>();
        for (StreamEntry entry : redis.xrange(key)) {
            DeadLetter letter = DeadLetter.fromFields(entry.id(), entry.fields());
            if (DeadLetter.CHANGE.equals(letter.kind()) && store.equals(letter.store())) {
                positions.add(change(letter, entry.fields()).position().sortKey());
            }
        }
        return positions;
    }

    public long count() {
        return redis.xlen(key);
    }

    /** What a retry did: the entries applied (and removed), still failing (kept with the new error), or not retryable. */
    public record RetryResult(List<String> applied, List<String> failed, List<String> notRetryable) {
    }

    /**
     * Applies each stored change again to the read model that could not take it. An applied entry is removed; a
     * failing one is kept with the new error and one more attempt; one its read model cannot retry (or a record
     * that was never a row change) is left for the operator.
     */
    public RetryResult retryAll(List<ModelStore> stores) {
        List<String> applied = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> notRetryable = new ArrayList<>();
        for (StreamEntry entry : redis.xrange(key)) {
            DeadLetter letter = DeadLetter.fromFields(entry.id(), entry.fields());
            if (!DeadLetter.CHANGE.equals(letter.kind())) {
                notRetryable.add(letter.id());
                continue;
            }
            RowChange change = change(letter, entry.fields());
            try {
                storeOf(letter, stores).retry(change, letter.projection());
                redis.xdel(key, entry.id());
                log.info("dead letter {} retried and applied: {} on {} at {}", letter.id(), letter.operation(),
                        letter.table(), letter.position());
                applied.add(letter.id());
            } catch (ModelStore.NotRetryableException e) {
                log.info("dead letter {} is not retried: {}", letter.id(), e.getMessage());
                notRetryable.add(letter.id());
            } catch (RuntimeException e) {
                DeadLetter again = letter.failedAgain(describe(e), clock.instant().toString());
                String id = redis.xadd(key, again.toFields(positionFields(change.position())));
                redis.xdel(key, entry.id());
                log.warn("dead letter {} failed again (now {}): {}", letter.id(), id, again.error());
                failed.add(id);
            }
        }
        return new RetryResult(applied, failed, notRetryable);
    }

    // entries kept before stores were named were all refused by the first (and then only) store
    private static ModelStore storeOf(DeadLetter letter, List<ModelStore> stores) {
        return stores.stream().filter(store -> store.name().equals(letter.store())).findFirst().orElse(stores.get(0));
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
