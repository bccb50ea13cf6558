package dev.boardcqrs.projector.generation;

import dev.boardcqrs.common.web.ApiException;
import dev.boardcqrs.projector.apply.BatchWriter;
import dev.boardcqrs.projector.apply.OverlappingHandler;
import dev.boardcqrs.projector.apply.ProjectorStatus;
import dev.boardcqrs.projector.deadletter.DeadLetters;
import dev.boardcqrs.projector.metrics.ProjectorMetrics;
import dev.boardcqrs.projector.source.ChangeSource;
import dev.boardcqrs.projector.source.ChangeSources;
import dev.boardcqrs.projector.source.PositionLostException;
import dev.boardcqrs.projector.source.SourceUnreachableException;
import dev.boardcqrs.projector.source.StreamHandlers;
import dev.boardcqrs.projector.store.GenerationReplacedException;
import dev.boardcqrs.projector.store.ModelStore;
import dev.boardcqrs.projector.store.StoreDataLostException;
import dev.boardcqrs.projector.store.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which generation of the read models is filled by which source, and how one takes over from another. The active
 * generation's source streams into it. A rebuild opens a second source that snapshots into a new generation while
 * the active one keeps serving; in each store, the batch that brings the new one level switches that store's readers
 * to it, and once every store has, the old one is stopped and removed. When the active generation cannot be resumed (first start, a store lost its
 * data, the source's position gone), a new generation is built in place: readers use SQL until its snapshot is done.
 *
 * <p>One class of about 350 lines on purpose: every transition (start, rebuild, switch, reconnect, data lost, replay,
 * close) reads and replaces the same two pipelines under this object's lock, and the failure handlers pick the
 * transition. Split by transition, each part would need the others' state and lock.
 */
public final class GenerationLifecycle implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GenerationLifecycle.class);
    private static final int START_BUILDING_ATTEMPTS = 5;
    // outlasts the stores' START_BUILDING_ATTEMPTS; an instance that stops while holding it delays the others as long
    static final Duration IN_PLACE_CLAIM = Duration.ofSeconds(60);
    private static final Duration IN_PLACE_CLAIM_POLL = Duration.ofMillis(100);

    private final Generations generations;
    private final ChangeSources sources;
    private final StoresOfGeneration stores;
    private final DeadLetters deadLetters;
    private final ProjectorMetrics metrics;
    private final Clock clock;
    private final ReconnectDelay reconnectDelay;
    private final RebuildLease lease;
    private final String instance = UUID.randomUUID().toString();
    // switches and removals of generations, off the sources' threads (a source cannot stop itself)
    private final ExecutorService housekeeping = Executors.newSingleThreadExecutor(runnable ->
            new Thread(runnable, "projector-generations"));
    private volatile Pipeline current;
    private volatile Pipeline rebuild;
    // several streams: every store of the running rebuild has switched its readers to it
    private volatile boolean rebuildSwitched;
    // the highest generation number this process has used: after Redis lost its data its counter starts again, and
    // the number of a generation just abandoned (whose lanes and source files were in use a moment ago) must not
    // come back
    private long highestUsed;
    private boolean closed;
    // set before close() takes the lock, which start() holds while it waits for another instance's claim
    private volatile boolean closing;

    public GenerationLifecycle(Generations generations, ChangeSources sources, StoresOfGeneration stores,
                               DeadLetters deadLetters, ProjectorMetrics metrics, Clock clock) {
        this.generations = generations;
        this.sources = sources;
        this.stores = stores;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.clock = clock;
        this.reconnectDelay = new ReconnectDelay(clock);
        this.lease = new RebuildLease(generations);
    }

    /**
     * Resumes the active generation, or builds one in place when it cannot be resumed; finishes removing
     * generations a stop left behind, and starts over a rebuild a stop interrupted.
     */
    public synchronized void start() {
        Optional<Generation> active = generations.active();
        Optional<Generation> rebuilding = generations.rebuilding();
        // several instances: a rebuild whose mark lives runs in another one (its lease keeps the mark alive)
        Optional<Generation> elsewhere = sources.singleStream() ? Optional.empty() : rebuilding;
        elsewhere.ifPresent(other -> log.info("generation {} is being rebuilt by another instance; leaving it to "
                + "that one", other));
        generations.retired().stream().filter(old -> !active.equals(Optional.of(old)) && !elsewhere.equals(
                Optional.of(old))).forEach(this::retire);
        Optional<Generation> interrupted = elsewhere.isPresent() ? Optional.empty() : rebuilding;
        interrupted.ifPresent(left -> {
            log.warn("a rebuild into generation {} was interrupted by a stop; starting it over", left);
            generations.stopRebuilding();
            retire(left);
        });
        highestUsed = Math.max(active.map(Generation::number).orElse(0L),
                rebuilding.map(Generation::number).orElse(0L));
        String cannotResume = active.isEmpty() ? "no generation of the query models exists yet"
                : whyNotResumable(active.get());
        if (cannotResume != null) {
            buildInPlace(cannotResume, new ProjectorStatus(clock), active);
            return;
        }
        current = pipeline(active.get(), new ProjectorStatus(clock), null);
        if (interrupted.isPresent()) {
            rebuild("continuing a rebuild that a stop interrupted");
        }
    }

    /** Why the source cannot carry on streaming into {@code generation}, or null when it can. */
    private String whyNotResumable(Generation generation) {
        String why = sources.whyNotResumable(generation);
        if (why != null) {
            return why;
        }
        // several streams: each keeps its own position; Redis losing its data also loses the active pointer
        boolean oneWatermark = sources.singleStream();
        for (ModelStore store : stores.open(generation)) {
            String stale = store.whyNotResumable();
            if (stale != null) {
                return stale;
            }
            if (oneWatermark && store.watermark() == null) {
                // the store was flushed or restarted empty while the source's position says we had written to it
                return store.name() + " holds no watermark for generation " + generation + ": its data was lost";
            }
        }
        return null;
    }

    /**
     * Makes a new generation active at once and snapshots into it; readers use SQL until it is built. {@code seen}:
     * the active generation whose state made this necessary (none on a first start).
     *
     * <p>Several instances (Kafka mode) find the same at once: a first start of all of them, Redis' data lost. The
     * first to claim the build makes the generation; the others wait for the claim and follow what it made. Each
     * building its own left the losers' keys behind, and each search store moved the alias to its own index and
     * deleted the one it replaced, so the alias could end on an index that nobody writes.
     */
    private void buildInPlace(String reason, ProjectorStatus status, Optional<Generation> seen) {
        if (sources.singleStream()) {
            buildNewInPlace(reason, status);
            return;
        }
        claimBuildingInPlace();
        try {
            Optional<Generation> now = generations.active();
            if (now.isPresent() && !now.equals(seen)) {
                log.info("another instance built generation {} in place meanwhile; following it", now.get());
                highestUsed = Math.max(highestUsed, now.get().number());
                current = pipeline(now.get(), status, null);
                return;
            }
            buildNewInPlace(reason, status);
        } finally {
            releaseBuildingInPlace();
        }
    }

    // a failure to give the claim up must not hide why the build failed (Redis away, most likely): it lapses anyway
    private void releaseBuildingInPlace() {
        try {
            generations.releaseBuildingInPlace(instance);
        } catch (RuntimeException e) {
            log.warn("could not give up the claim to build in place ({}); it lapses within {} s", e.toString(),
                    IN_PLACE_CLAIM.toSeconds());
        }
    }

    private void claimBuildingInPlace() {
        boolean waiting = false;
        while (!generations.claimBuildingInPlace(instance, IN_PLACE_CLAIM)) {
            if (closing) {
                throw new IllegalStateException("the projector is closing; it no longer waits for another instance's "
                        + "build in place");
            }
            if (!waiting) {
                log.info("another instance is building a generation in place; waiting for it (at most {} s)",
                        IN_PLACE_CLAIM.toSeconds());
                waiting = true;
            }
            try {
                Thread.sleep(IN_PLACE_CLAIM_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for another instance's build in place", e);
            }
        }
    }

    private void buildNewInPlace(String reason, ProjectorStatus status) {
        Optional<Generation> old = generations.active();
        Generation next = nextGeneration();
        log.warn("building the query models into generation {} from a new snapshot: {}", next, reason);
        if (!sources.singleStream()) {
            // no snapshot batch of one stream marks it: readers use SQL until every stream has caught up once
            stores.open(next).forEach(GenerationLifecycle::startBuilding);
        }
        generations.activate(next);
        current = pipeline(next, status, null);
        old.filter(generation -> !generation.equals(next)).ifPresent(this::retire);
    }

    /**
     * Marks the generation building in {@code store}, trying again while the store is away for a moment: at start-up
     * a new search index on a busy node took longer than SEARCH_TIMEOUT once, and that stopped the start.
     */
    private static void startBuilding(ModelStore store) {
        for (int attempt = 1; ; attempt++) {
            try {
                store.startBuilding();
                return;
            } catch (StoreUnavailableException e) {
                if (attempt == START_BUILDING_ATTEMPTS) {
                    throw e;
                }
                log.warn("{} could not start building a generation ({}); trying again in {} s", store.name(),
                        e.getMessage(), attempt);
                try {
                    Thread.sleep(Duration.ofSeconds(attempt).toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Builds the read models again from a new snapshot into a new generation while the active one keeps serving,
     * and switches readers to it once it has caught up. With nothing to snapshot, the new generation becomes active
     * at once.
     *
     * @throws RebuildRunningException when a rebuild is already running
     */
    public synchronized Generation rebuild(String reason) {
        if (closed) {
            throw ApiException.unavailable("the projector is stopping");
        }
        if (rebuild != null) {
            throw new RebuildRunningException(rebuild.generation());
        }
        String noRebuild = sources.whyNoRebuild();
        if (noRebuild != null) {
            throw ApiException.conflict(noRebuild);
        }
        Optional<Generation> elsewhere = sources.singleStream() ? Optional.empty() : generations.rebuilding();
        if (elsewhere.isPresent()) {
            throw new RebuildRunningException(elsewhere.get()); // in another instance
        }
        if (sources.singleStream() && sources.rowsToSnapshot() == 0) {
            current.close();
            buildNewInPlace(reason + " (the tables are empty)", current.status()); // one stream: nobody to wait for
            return current.generation();
        }
        Generation next = nextGeneration();
        if (sources.singleStream()) {
            generations.startRebuilding(next);
        } else {
            // what rebuilds of instances that stopped for good left (their marks lapsed), then a mark of this one's
            List<Generation> left = generations.retired().stream().filter(old -> !old.equals(current.generation()))
                    .toList();
            lease.begin(next);
            housekeeping.execute(() -> left.forEach(this::retire));
        }
        rebuildSwitched = false;
        rebuild = pipeline(next, new ProjectorStatus(clock), () -> housekeeping.execute(() -> switchTo(next)));
        log.info("rebuilding into generation {} while generation {} keeps serving: {}", next, current.generation(),
                reason);
        return next;
    }

    // readers already use the rebuilt generation (switched in the batch that brought it level)
    private synchronized void switchTo(Generation generation) {
        if (rebuild == null || !rebuild.generation().equals(generation)) {
            return;
        }
        Pipeline built = rebuild;
        Pipeline old = current;
        current = built;
        rebuild = null;
        lease.end();
        log.info("generation {} is active: its rebuild caught up with generation {} at {}; removing {}",
                built.generation(), old.generation(), sources.singleStream() ? built.watermark() : "every partition",
                old.generation());
        old.close();
        if (!sources.singleStream()) {
            generations.keep(built.generation()); // listed as retired while it was built, should this instance stop
            // the rebuild read every stream in this instance; the active generation's streams are shared by the
            // instances (each reads on from the positions the rebuild stored), as they follow the switch too
            built.close();
            current = pipeline(built.generation(), built.status(), null);
        }
        for (ModelStore store : built.stores()) {
            try {
                store.becameActive();
            } catch (RuntimeException e) {
                // its next batch finds the old generation gone and follows then
                log.warn("{} did not switch its readers to generation {} yet: {}", store.name(),
                        built.generation(), e.toString());
            }
        }
        retire(old.generation());
    }

    /** Stops using {@code generation}: its keys, its stores' data and source files go. Readers no longer use it. */
    private void retire(Generation generation) {
        try {
            stores.open(generation).forEach(ModelStore::remove);
            generations.remove(generation);
            sources.forget(generation);
        } catch (RuntimeException e) {
            log.warn("could not remove generation {} ({}); it stays listed as retired and is removed on the next "
                    + "start", generation, e.toString());
        }
    }

    private Generation nextGeneration() {
        Generation next = generations.next(highestUsed);
        highestUsed = next.number();
        sources.forget(next);
        return next;
    }

    /**
     * The stores and source of {@code generation}; {@code onTakenOver} (for a rebuild's generation, else null) runs
     * when it takes over from the active one. A generation whose source position is lost is not started: it fails,
     * saying how to rebuild.
     */
    private Pipeline pipeline(Generation generation, ProjectorStatus status, Runnable onTakenOver) {
        List<ModelStore> opened = stores.open(generation);
        boolean rebuilding = onTakenOver != null;
        if (rebuilding && sources.singleStream()) {
            // each store switches its own readers in the commit that brings it level, in its own lane: the old
            // generation goes once every store has (a search index is not switched to half filled)
            AtomicInteger level = new AtomicInteger(opened.size());
            opened.forEach(store -> store.takeOverWhenLevel(() -> { // before the first batch: until then unread
                if (level.decrementAndGet() == 0) {
                    onTakenOver.run();
                }
            }));
        }
        // several streams: in each store, the commit of whichever stream finds every one level switches that store's
        // readers, once; the old generation goes once every store has (by their place in the list of stores)
        Set<Integer> switched = ConcurrentHashMap.newKeySet();
        StreamHandlers handlers = stream -> {
            List<ModelStore> streamStores = stream == null ? opened : stores.open(generation, stream);
            for (int i = 0; rebuilding && stream != null && i < streamStores.size(); i++) {
                int place = i;
                if (!switched.contains(place)) {
                    streamStores.get(place).takeOverWhenLevel(() -> {
                        if (switched.add(place) && switched.size() == opened.size()) {
                            rebuildSwitched = true;
                            onTakenOver.run();
                        }
                    });
                }
            }
            BatchWriter writer = new BatchWriter(streamStores, stream == null ? generation.name()
                    : generation.name() + "-" + stream, status, metrics, deadLetters, sources::rowsToSnapshot);
            // the embedded engine keeps its position in its offset file: its stores' watermark is not asked here
            return new StreamHandlers.Stream(new OverlappingHandler(writer),
                    stream == null ? null : lowestWatermark(streamStores),
                    streams -> streamStores.forEach(store -> store.caughtUp(streams)));
        };
        ChangeSource source = rebuilding
                ? sources.openBeside(generation, handlers, status, error -> sourceFailed(generation, error))
                : sources.open(generation, handlers, status, error -> sourceFailed(generation, error));
        String lost = sources.lostPosition(generation);
        if (lost == null) {
            source.start();
        } else {
            positionLost("the source position " + lost + " is no longer on the server (purged)", status);
        }
        return new Pipeline(generation, status, opened, source);
    }

    /**
     * Where a stream resumes: the lowest of its stores' positions (null when one holds none), as each store commits
     * in a lane of its own and skips what it holds already.
     */
    private static String lowestWatermark(List<ModelStore> streamStores) {
        String lowest = null;
        for (ModelStore store : streamStores) {
            String watermark = store.watermark();
            if (watermark == null) {
                return null;
            }
            if (lowest == null || watermark.compareTo(lowest) < 0) {
                lowest = watermark;
            }
        }
        return lowest;
    }

    private void positionLost(String what, ProjectorStatus status) {
        String message = what + "; run `java -jar cdc-projector.jar rebuild` to build the query models from a new "
                + "snapshot";
        log.error(message);
        status.failed(message);
    }

    // Runs on the source's thread, which cannot stop its own source: the reaction gets a thread of its own.
    private void sourceFailed(Generation generation, Throwable error) {
        if (causedBy(error, GenerationReplacedException.class)) {
            housekeeping.execute(() -> followActive(generation)); // not an error: a switch this instance follows
            return;
        }
        metrics.error("engine");
        if (causedBy(error, StoreDataLostException.class)) {
            housekeeping.execute(() -> dataLost(generation));
        } else if (causedBy(error, PositionLostException.class)) {
            Pipeline failed = rebuild != null && rebuild.generation().equals(generation) ? rebuild : current;
            positionLost("the source no longer has the changes after generation " + generation + "'s position "
                    + "(purged): " + cause(error, PositionLostException.class).getMessage(), failed.status());
        } else if (causedBy(error, SourceUnreachableException.class) || !sources.reachable()) {
            housekeeping.execute(() -> reconnect(generation));
        }
    }

    /**
     * Debezium's MySQL connector (3.5) stops for good when the server closes the binlog connection, as a restart of
     * the server does (MariaDB's reconnects by itself): once the database answers again, open the active
     * generation's source again from its stored position, waiting longer each time it is still away. A rebuild's
     * source is left failed (`rebuild` again).
     */
    private void reconnect(Generation generation) {
        Duration delay = reconnectDelay.next();
        log.warn("generation {} lost its database connection; trying again in {} ms", generation, delay.toMillis());
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!sources.reachable()) {
            try {
                housekeeping.execute(() -> reconnect(generation));
            } catch (RejectedExecutionException stopping) {
                // the projector is closing
            }
            return;
        }
        synchronized (this) {
            if (closed || !current.generation().equals(generation)) {
                return;
            }
            current.close();
            current = pipeline(generation, current.status(), null);
        }
    }

    /**
     * Another projector instance of the same source made a new generation active (Kafka mode: it found none, or
     * found Redis' data lost): this one reads its streams into that one from now on, from the positions it holds.
     */
    private synchronized void followActive(Generation replaced) {
        Optional<Generation> active = generations.active();
        if (rebuild != null && active.isPresent() && active.get().equals(rebuild.generation())) {
            if (rebuildSwitched) {
                switchTo(active.get()); // this instance's rebuild took over, and the active streams heard it first
            } else {
                // Redis switched, a slower store (search) not yet: the old generation stays until it has, and
                // meanwhile the rebuild's source reads every stream
                current.close();
            }
            return;
        }
        if (closed || !current.generation().equals(replaced) || active.isEmpty() || active.get().equals(replaced)) {
            return;
        }
        log.warn("generation {} was replaced by generation {} (made by another instance); following it", replaced,
                active.get());
        current.close();
        current = pipeline(active.get(), current.status(), null);
    }

    private synchronized void dataLost(Generation generation) {
        if (closed) {
            return;
        }
        if (rebuild != null) {
            log.warn("a store lost the query models: abandoning the rebuild into generation {}", rebuild.generation());
            lease.end();
            rebuild.close();
            generations.stopRebuilding();
            retire(rebuild.generation());
            rebuild = null;
        }
        if (current.generation().equals(generation)) {
            current.close();
            buildInPlace("a store lost the query models while streaming", current.status(), Optional.of(generation));
        }
    }

    /**
     * Makes the active generation's source start again from {@code from}. Changes the models already contain are
     * skipped (watermark and model positions), so replaying applied history changes nothing.
     *
     * @throws ApiException (400) when {@code from} is not a position of the source, (503) when the source's
     *                      position cannot be set now
     */
    public void replay(String from) {
        try {
            sources.checkPosition(from); // reject a bad position before stopping anything
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (!sources.singleStream()) {
            replayUpstream(from);
            return;
        }
        synchronized (this) {
            Generation generation = current.generation();
            log.warn("replaying the source from {} into generation {}", from, generation);
            current.close();
            try {
                sources.replayFrom(generation, from);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            } finally {
                // from the new position, or where it was if that could not be written
                current = pipeline(generation, current.status(), null);
            }
        }
    }

    /**
     * The position is the connector's, upstream of the streams, which read on what it sends again: nothing of this
     * lifecycle changes, so the lock is not held while Kafka Connect stops the connector (up to a minute), and a
     * stop or a rebuild asked meanwhile does not wait for it.
     */
    private void replayUpstream(String from) {
        Generation generation;
        synchronized (this) {
            generation = current.generation();
        }
        log.warn("replaying the source from {} for every generation reading it (active {})", from, generation);
        try {
            sources.replayFrom(generation, from);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (IllegalStateException e) {
            throw ApiException.unavailable(e.getMessage());
        }
    }

    /**
     * Several instances: a rebuild this instance stops with it ends (another instance may start one at once instead
     * of waiting for its mark to lapse); what it left is listed as retired and removed by the next start or rebuild.
     */
    private void dropMarkOfOwnRebuild() {
        if (sources.singleStream()) {
            return; // the next start of this instance starts it over
        }
        try {
            if (generations.rebuilding().equals(Optional.of(rebuild.generation()))) {
                generations.stopRebuilding();
            }
        } catch (RuntimeException e) {
            log.warn("could not remove the mark of the rebuild into {} ({}); it lapses within {} s",
                    rebuild.generation(), e.toString(), RebuildLease.LEASE.toSeconds());
        }
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        return cause(error, type) != null;
    }

    private static <T extends Throwable> T cause(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** The generation readers use, with its stores, source and status. */
    public Pipeline active() {
        return current;
    }

    /**
     * The active generation and the one a rebuild fills (null when none), read together: read apart, a switch in
     * between shows the old generation without its rebuild, which the rebuild command takes for an abandoned one.
     */
    public synchronized Pipelines pipelines() {
        return new Pipelines(current, rebuild);
    }

    /** The active generation's pipeline and a rebuild's (null when none runs). */
    public record Pipelines(Pipeline active, Pipeline rebuilding) {
    }

    /** The generation a rebuild is filling, or null. */
    public Pipeline rebuilding() {
        return rebuild;
    }

    /**
     * Stops the sources (each finishes the batch in flight and commits its position). A rebuild that is still
     * running starts over on the next start. Closing twice is harmless.
     */
    @Override
    public void close() {
        closing = true;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            lease.close();
            if (rebuild != null) {
                rebuild.close();
                dropMarkOfOwnRebuild();
            }
            if (current != null) {
                current.close();
            }
        }
        housekeeping.shutdown();
        try {
            housekeeping.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
