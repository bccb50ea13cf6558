package dev.boardcqrs.projector.source;

import dev.boardcqrs.projector.apply.ProjectorStatus;
import dev.boardcqrs.projector.generation.Generation;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where the projector's changes come from: opens the change source that fills a generation, and answers what the
 * core asks about the source. The embedded Debezium engine is one; a Kafka consumer group can be another. Each
 * generation has its own stored position, so a rebuild's source runs beside the active one's.
 */
public interface ChangeSources {

    /**
     * The source that fills {@code generation}, unstarted, delivering each of its streams to a handler it opens with
     * {@code handlers}; it resumes from the generation's stored position, or snapshots when there is none.
     * {@code onFailure} hears why it stopped on an error (on the source's own thread).
     */
    ChangeSource open(Generation generation, StreamHandlers handlers, ProjectorStatus status,
                      Consumer<Throwable> onFailure);

    /**
     * The source that fills a rebuild's {@code generation} beside the active one, from the beginning; as
     * {@link #open} unless the source shares its streams among instances (Kafka partitions in a group): a rebuild
     * is read by the instance that runs it, whole, and shared once it has taken over.
     */
    default ChangeSource openBeside(Generation generation, StreamHandlers handlers, ProjectorStatus status,
                                    Consumer<Throwable> onFailure) {
        return open(generation, handlers, status, onFailure);
    }

    /**
     * True when the source is one stream whose position the generation's stores keep as their watermark (the
     * embedded engine): a store without one has lost its data. False for several streams with positions of their
     * own (Kafka partitions), which a generation may not have read yet.
     */
    default boolean singleStream() {
        return true;
    }

    /** Why this source cannot rebuild into a new generation beside the active one, or null when it can. */
    default String whyNoRebuild() {
        return null;
    }

    /** What /status shows of each stream this process reads now; empty for a single stream. */
    default List<Map<String, Object>> streams() {
        return List.of();
    }

    /** Why {@code generation} cannot carry on from where it stopped, or null when it can. */
    String whyNotResumable(Generation generation);

    /**
     * The stored position of {@code generation} when the source no longer has what follows it (a purged binlog),
     * else null. Such a generation cannot resume: it must be rebuilt.
     */
    String lostPosition(Generation generation);

    /** Drops what is stored for {@code generation}: its next source snapshots. */
    void forget(Generation generation);

    /** How many rows a snapshot of the projected tables reads, for progress and ETA. */
    long rowsToSnapshot();

    /**
     * Whether the source's database answers now: false only when no connection can be made (refused, reset, timed
     * out), not when it refuses a login or a query.
     */
    boolean reachable();

    /** Where the source ends now, as it names positions, for the operator. */
    String end();

    /**
     * Checks that {@code from} names a position of this source, before anything is stopped for a replay.
     *
     * @throws IllegalArgumentException saying what a position looks like
     */
    void checkPosition(String from);

    /**
     * Makes {@code generation}'s source start again from {@code from} (its source must be closed meanwhile).
     *
     * @throws IllegalArgumentException when no position of this source can be made of {@code from}
     */
    void replayFrom(Generation generation, String from);
}
