package dev.boardcqrs.projector.search;

import static dev.boardcqrs.projector.store.StreamWatermarks.WATERMARK;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.boardcqrs.common.search.SearchClient;
import dev.boardcqrs.common.search.SearchIndexes;
import dev.boardcqrs.common.search.SearchRefusedException;
import dev.boardcqrs.common.search.SearchUnavailableException;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.store.ModelStore;
import dev.boardcqrs.projector.store.Refusal;
import dev.boardcqrs.projector.store.StoreBatch;
import dev.boardcqrs.projector.store.StoreBatch.Building;
import dev.boardcqrs.projector.store.StoreDataLostException;
import dev.boardcqrs.projector.store.StoreUnavailableException;
import dev.boardcqrs.projector.store.StreamTakenOverException;
import dev.boardcqrs.projector.store.StreamWatermarks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One generation of the search read models in the search engine (OpenSearch). The engine has no transaction over
 * many documents, so exactness comes from versions instead: every document is written with an external version
 * derived from its change's position ({@link SearchVersions}), and the engine refuses an older one. A batch goes
 * as _bulk requests; only once the engine acknowledged all of them is the generation's watermark written (a
 * document of {@code NS-search-meta}), and only then does the projector acknowledge the batch to the source. A
 * crash in between delivers the batch again, and the versions make that harmless.
 * <p>
 * Deletes are written as tombstones, documents with {@code deleted: true} and the delete's version, not as
 * deletes: the engine forgets a delete's version after {@code index.gc_deletes} (60 s), after which a replayed older
 * insert would bring the document back. A tombstone keeps its version until nothing can need it any more
 * ({@link #purgeTombstones}, run by {@link TombstonePurge}); queries leave tombstones out, and a rebuild's fresh index
 * holds none.
 * <p>
 * Each generation has its own index behind the model's alias. A rebuild's generation moves the alias to its index
 * in one _aliases call in the batch that brings it level with the active one; the old index is deleted when its
 * generation is retired ({@link #remove()}).
 * <p>
 * A generation filled by several streams (Kafka partitions) keeps each stream's position as fields of the same meta
 * document, {@code watermark@STREAM} (the offset) and {@code position@STREAM} (the binlog position of the last
 * change of a searched table, for the tombstones' horizon), beside the others' and written only over the version
 * this store read (if_seq_no): a stream's store commits only if its field still holds what it committed last, so an
 * instance that lost the partition and has not noticed (a zombie) cannot move its new owner's position
 * ({@link StreamTakenOverException}); another stream's write in between is only read and written over again.
 */
public final class SearchStore implements ModelStore {
    /** The store's name, in logs, metrics and dead letters. */
    public static final String NAME = "search";
    /** A tombstone's fields: every search model's mapping has them (see {@link SearchProjection}). */
    static final String DELETED = "deleted";
    static final String DELETED_VERSION = "deletedVersion";
    static final String BUILDING = "building";
    /** A stream's fields in the meta: {@code watermark@STREAM}, {@code position@STREAM}, {@code caughtUp@STREAM}. */
    static final String CAUGHT_UP = "caughtUp";
    /** Bulk bodies above this are split: a snapshot batch of 2048 articles of 64 KiB would be 128 MiB. */
    private static final int BULK_BYTES = 4 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Tombstones one purge deletes per index at most: one search and one _bulk of bounded size. */
    private static final int PURGE_BATCH = 10_000;

    private final SearchClient client;
    private final SearchIndexes indexes;
    private final String generation;
    private final List<SearchProjection> projections;
    private final List<String> tables;
    // null: the embedded engine's one stream, whose position is the meta's "watermark"
    private final String stream;
    private final String watermarkField;
    // set while this generation is a rebuild waiting to take over; run once it has
    private volatile Runnable onTakenOver;
    /**
     * The generation's meta document as this store last read or wrote it; null until read, and forgotten after any
     * failure (a write whose answer was lost may have landed). Only this store writes its generation's meta
     * (startBuilding and commit; remove deletes it), so a batch need not read it again: that saves one of a batch's
     * round trips (then three: alias, bulk, meta). Each batch's meta write is conditional on the one remembered
     * (if_seq_no), so if anyone else wrote or removed it meanwhile, the write is refused and the store reads the meta
     * and decides again, as it did when it read it for every batch.
     */
    private volatile Meta known;
    private final Duration linger;
    private final SearchRefresher refresher;
    private volatile boolean definitionUpdated;

    /** A store whose writes become searchable when its caller refreshes (or the engine's slow schedule does). */
    public SearchStore(SearchClient client, SearchIndexes indexes, String generation,
                       List<SearchProjection> projections) {
        this(client, indexes, generation, projections, Duration.ZERO, new SearchRefresher(client, Duration.ZERO));
    }

    /**
     * {@code linger}: the least time between two commits, which gather what arrives meanwhile ({@link #linger()});
     * {@code refresher}: makes the commits of the generation readers use searchable.
     */
    public SearchStore(SearchClient client, SearchIndexes indexes, String generation,
                       List<SearchProjection> projections, Duration linger, SearchRefresher refresher) {
        this(client, indexes, generation, projections, linger, refresher, null);
    }

    /**
     * The store of one stream of a generation filled by several (a Kafka partition, named "topic-partition"): its
     * position is the meta's {@code watermark@STREAM}, and a commit is refused with {@link StreamTakenOverException}
     * when that field no longer holds what this store committed (or read) last.
     */
    public SearchStore(SearchClient client, SearchIndexes indexes, String generation,
                       List<SearchProjection> projections, Duration linger, SearchRefresher refresher, String stream) {
        if (stream != null && !stream.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("not a stream name: '" + stream + "'");
        }
        this.stream = stream;
        this.watermarkField = StreamWatermarks.field(stream);
        this.linger = linger;
        this.refresher = refresher;
        this.client = client;
        this.indexes = indexes;
        this.generation = generation;
        this.projections = List.copyOf(projections);
        LinkedHashSet<String> read = new LinkedHashSet<>();
        projections.forEach(projection -> read.addAll(projection.tables()));
        this.tables = List.copyOf(read);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Duration linger() {
        return linger;
    }

    @Override
    public List<String> tables() {
        return tables;
    }

    @Override
    public String watermark() {
        return readMeta().text(watermarkField);
    }

    /** Its {@code position@STREAM}: of the changes of the tables it reads only, which is all it needs to skip. */
    @Override
    public String streamed() {
        return stream == null ? null : readMeta().text(StreamWatermarks.positionField(stream));
    }

    /**
     * The generation's meta document's fields (its watermark, building mark, and each stream's fields), and the
     * sequence number and primary term of the write that left them (for a conditional write after it); {@code
     * exists} false when there is no meta document.
     */
    private record Meta(boolean exists, Map<String, Object> fields, long seqNo, long primaryTerm) {
        static final Meta ABSENT = new Meta(false, Map.of(), -1, -1);

        String text(String field) {
            return fields.get(field) instanceof String text ? text : null;
        }

        String watermark() {
            return text(WATERMARK);
        }

        boolean building() {
            return Boolean.TRUE.equals(fields.get(BUILDING));
        }

        /** The fields with {@code field} set to {@code value}, to write over this version. */
        Map<String, Object> with(String field, Object value) {
            Map<String, Object> changed = new LinkedHashMap<>(fields);
            changed.put(field, value);
            return changed;
        }

        /** The lowest of the values of the fields named {@code prefix@STREAM}; null when there is none. */
        String lowest(String prefix) {
            return fields.entrySet().stream().filter(field -> field.getKey().startsWith(prefix + "@"))
                    .map(field -> field.getValue() instanceof String text ? text : null).filter(Objects::nonNull)
                    .min(String::compareTo).orElse(null);
        }
    }

    private Meta readMeta() {
        return readMeta(generation);
    }

    // GET is real-time in the engine: it sees the last write without a refresh
    @SuppressWarnings("unchecked")
    private Meta readMeta(String ofGeneration) {
        return available(() -> client.get("/" + indexes.meta() + "/_doc/" + ofGeneration))
                .filter(answer -> answer.path("found").asBoolean())
                .map(answer -> new Meta(true, JSON.convertValue(answer.path("_source"), LinkedHashMap.class),
                        answer.path("_seq_no").asLong(), answer.path("_primary_term").asLong()))
                .orElse(Meta.ABSENT);
    }

    private Meta putMeta(String watermark, boolean building, Meta previous) {
        Map<String, Object> fields = previous == null ? new LinkedHashMap<>() : previous.with(WATERMARK, watermark);
        fields.put(WATERMARK, watermark);
        fields.put(BUILDING, building);
        return putMeta(fields, previous);
    }

    /**
     * Writes the generation's meta; {@code previous} null: whatever is there, else only over that write (or only if
     * there is none), or {@link MetaChangedException}.
     */
    private Meta putMeta(Map<String, Object> fields, Meta previous) {
        String condition = previous == null ? "" : previous.exists()
                ? "?if_seq_no=" + previous.seqNo() + "&if_primary_term=" + previous.primaryTerm() : "?op_type=create";
        try {
            JsonNode answer = available(() -> client.send("PUT", "/" + indexes.meta() + "/_doc/" + generation
                    + condition, fields));
            return new Meta(true, fields, answer.path("_seq_no").asLong(), answer.path("_primary_term").asLong());
        } catch (SearchRefusedException e) {
            if ("version_conflict_engine_exception".equals(e.type())) {
                throw new MetaChangedException(e);
            }
            throw e;
        }
    }

    /** The generation's meta is not what this store last read or wrote: someone else wrote or removed it. */
    private static final class MetaChangedException extends StoreUnavailableException {
        MetaChangedException(SearchRefusedException cause) {
            super("the search generation's watermark changed under this projector: " + cause.getMessage(), cause);
        }
    }

    @Override
    public void startBuilding() {
        for (SearchProjection projection : projections) {
            String index = index(projection);
            deleteIfExists(index);
            available(() -> client.send("PUT", "/" + index, projection.definition()));
        }
        known = putMeta(null, true, null);
        if (onTakenOver == null) {
            // built in place: readers follow at once (they see the index fill), as Redis readers use SQL meanwhile
            replaceServedIndices();
        }
    }

    @Override
    public void takeOverWhenLevel(Runnable onTakenOver) {
        this.onTakenOver = onTakenOver;
    }

    @Override
    public List<Refusal> commit(StoreBatch batch, Unplannable unplannable) throws InterruptedException {
        List<Planned> planned = new ArrayList<>();
        List<Refusal> unplanned = new ArrayList<>();
        for (StoreBatch.Positioned positioned : batch.changes()) {
            plan(positioned.change(), positioned.position(), planned, unplanned);
        }
        if (!unplanned.isEmpty()) {
            unplannable.refused(unplanned);
        }
        try {
            if (stream != null) {
                return applyStream(batch, planned);
            }
            try {
                return apply(batch, planned, known != null ? known : readMeta());
            } catch (MetaChangedException e) {
                return apply(batch, planned, readMeta()); // the documents again: their versions make that harmless
            }
        } catch (RuntimeException e) {
            known = null;
            throw e;
        }
    }

    private List<Refusal> apply(StoreBatch batch, List<Planned> planned, Meta meta) {
        String current = meta.watermark();
        if (batch.watermark() != null && batch.watermark().equals(current)) {
            known = meta;
            return List.of(); // applied before its answer was lost
        }
        if (!Objects.equals(current, batch.expected())) {
            throw new StoreDataLostException(name(), batch.expected(), current);
        }
        Runnable takeOver = onTakenOver;
        if (takeOver == null && current == null && batch.building() != Building.STARTED) {
            // built in place from a snapshot that read no rows (empty tables): startBuilding never ran
            createMissingIndices();
            replaceServedIndices();
        }
        // read every batch, not remembered: a rebuild's store moves the alias, and a lost index takes it along
        if (takeOver == null && !readersUseThisGeneration()) {
            known = meta;
            return List.of(); // a rebuild took over: nobody reads this generation, it is about to be removed
        }
        if (!definitionUpdated) {
            updateDefinition();
        }
        List<Refusal> refusals = write(planned);
        boolean building = switch (batch.building()) {
            case STARTED -> true;
            case FINISHED -> false;
            case UNCHANGED -> meta.building();
        };
        known = putMeta(batch.watermark(), building, meta);
        if (takeOver != null && !building && levelWithActive(batch.watermark())) {
            moveAliases();
            onTakenOver = null;
            takeOver.run();
        } else if (takeOver == null) {
            refresher.written(indices()); // a rebuild's index is refreshed once, as readers move to it (moveAliases)
        }
        return refusals;
    }

    /**
     * A stream's batch: the documents, then its fields in the meta over the version read. A conflict there is most
     * often another stream's commit (every stream's position is a field of the one document): the meta is read
     * again and, if this stream's field is still the expected one, written again, the documents being written
     * already. A rebuild's generation takes the aliases over in the commit after which every stream of the served
     * generation is at or below this one's, as Redis switches the active generation.
     */
    private List<Refusal> applyStream(StoreBatch batch, List<Planned> planned) {
        Meta meta = known != null ? known : readMeta();
        if (committedAlready(meta, batch)) {
            known = meta;
            return List.of();
        }
        Runnable takeOver = onTakenOver;
        Optional<String> served = aliasTarget(projections.get(0));
        if (takeOver == null) {
            if (served.isEmpty()) {
                throw new StoreDataLostException(name(), "the alias " + indexes.alias(projections.get(0).index()),
                        "no alias");
            }
            if (generationNumber(servedGeneration(served.get())) > generationNumber(generation)) {
                known = meta;
                return List.of(); // a rebuild took over: nobody reads this generation, it is about to be removed
            }
            // an older one: a rebuild's generation that Redis made active, whose streams now the group's instances
            // write, before its search streams are level and take the aliases over
        }
        if (!definitionUpdated) {
            createMissingIndices(); // a rebuild's generation: no snapshot batch of a stream empties and makes them
            updateDefinition();
        }
        List<Refusal> refusals = write(planned);
        String position = lastSearchedPosition(batch);
        while (true) {
            Map<String, Object> fields = meta.with(watermarkField, batch.watermark());
            if (position != null) {
                fields.put(StreamWatermarks.positionField(stream), position);
            }
            try {
                known = putMeta(fields, meta);
                break;
            } catch (MetaChangedException e) {
                meta = readMeta();
                if (committedAlready(meta, batch)) {
                    known = meta;
                    break;
                }
            }
        }
        if (takeOver != null && streamsLevelWithServed(known, served)) {
            moveAliases();
            onTakenOver = null;
            takeOver.run();
        } else if (takeOver == null) {
            refresher.written(indices());
        }
        return refusals;
    }

    /**
     * Whether this stream's field holds the batch's watermark already (an attempt whose answer was lost).
     *
     * @throws StreamTakenOverException when it holds another position than the expected one: another instance
     *                                  committed the stream since this one read or wrote it
     * @throws StoreDataLostException   when it holds none where one was expected
     */
    private boolean committedAlready(Meta meta, StoreBatch batch) {
        String current = meta.text(watermarkField);
        if (batch.watermark() != null && batch.watermark().equals(current)) {
            return true;
        }
        if (!Objects.equals(current, batch.expected())) {
            if (current != null) {
                throw new StreamTakenOverException(name(), stream, batch.expected(), current);
            }
            throw new StoreDataLostException(name(), batch.expected(), null);
        }
        return false;
    }

    /**
     * The highest binlog position of the batch's changes of the tables this store reads, or null: its stream's
     * part of the tombstones' horizon. Changes of other tables (the catalog's partition) leave none, so an idle
     * stream no model here reads does not hold the horizon back.
     */
    private String lastSearchedPosition(StoreBatch batch) {
        String highest = null;
        for (StoreBatch.Positioned change : batch.changes()) {
            if (tables.contains(change.change().table())
                    && (highest == null || change.position().compareTo(highest) > 0)) {
                highest = change.position();
            }
        }
        return highest;
    }

    /**
     * For a stream of a rebuild's generation: whether, with {@code own} just written, every stream of the served
     * generation holds at most the position this generation holds for it (a stream it has not read is level with
     * any). The served generation's meta is read after this one's was written, so the two were level at that moment.
     */
    private boolean streamsLevelWithServed(Meta own, Optional<String> served) {
        if (served.isEmpty() || servedGeneration(served.get()).equals(generation)) {
            return true;
        }
        return StreamWatermarks.level(readMeta(servedGeneration(served.get())).fields(), own::text);
    }

    private static String servedGeneration(String index) {
        return index.substring(index.lastIndexOf('-') + 1);
    }

    /** "g7" to 7; 0 for a name that is not a generation's. */
    private static long generationNumber(String name) {
        return name.matches("g[0-9]{1,18}") ? Long.parseLong(name.substring(1)) : 0;
    }

    /**
     * Marks this stream caught up ({@code caughtUp@STREAM}) in a generation being built in place (the aliases name
     * it), and ends the building in the same write once every stream has: the write is conditional on the meta
     * read, so of two streams marking at once one writes again and sees the other's mark.
     */
    @Override
    public void caughtUp(Collection<String> streams) {
        if (stream == null) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            Meta meta = readMeta();
            if (!meta.building() || !readersUseThisGeneration()) {
                return;
            }
            Map<String, Object> fields = meta.with(CAUGHT_UP + "@" + stream, true);
            if (streams.stream().allMatch(other -> Boolean.TRUE.equals(fields.get(CAUGHT_UP + "@" + other)))) {
                fields.put(BUILDING, false);
            }
            try {
                putMeta(fields, meta);
                return;
            } catch (MetaChangedException e) {
                if (attempt == 5) {
                    throw e; // the source reports it again after its next poll
                }
            }
        }
    }

    /**
     * Adds the fields the models' definitions have now to an index made by an older definition (the tombstones'
     * deletedVersion came later; the mapping is strict, so writes of a field it lacks are refused), and leaves
     * refreshing to the {@link SearchRefresher}, the engine's own schedule a slow backstop. OpenSearch changes both
     * in place; once per store, before its first write.
     */
    private void updateDefinition() {
        for (SearchProjection projection : projections) {
            JsonNode mappings = mappings(projection.definition());
            available(() -> client.send("PUT", "/" + index(projection) + "/_mapping", mappings));
            available(() -> client.send("PUT", "/" + index(projection) + "/_settings",
                    Map.of("index", Map.of("refresh_interval", SearchRefresher.ENGINE_INTERVAL))));
        }
        definitionUpdated = true;
    }

    private static JsonNode mappings(String definition) {
        try {
            return JSON.readTree(definition).path("mappings");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a search model's definition is not JSON: " + e.getMessage(), e);
        }
    }

    /** A document to write, with its version and the change (and read model) it comes from. */
    private record Planned(SearchProjection projection, RowChange change, SearchWrite write, long version) {
    }

    private void plan(RowChange change, String position, List<Planned> planned, List<Refusal> unplanned) {
        for (SearchProjection projection : projections) {
            if (!projection.tables().contains(change.table())) {
                continue;
            }
            try {
                long version = SearchVersions.of(position);
                for (SearchWrite write : projection.plan(change)) {
                    planned.add(new Planned(projection, change, write, version));
                }
            } catch (RuntimeException e) {
                unplanned.add(new Refusal(change, projection.name(), Refusal.Stage.PLAN, e));
            }
        }
    }

    /** Sends the documents in _bulk requests of bounded size; answers the writes the engine refused. */
    private List<Refusal> write(List<Planned> planned) {
        List<Refusal> refusals = new ArrayList<>();
        List<Object> lines = new ArrayList<>();
        List<Planned> sent = new ArrayList<>();
        int bytes = 0;
        for (Planned write : planned) {
            Map<String, Object> action = Map.of("index", Map.of("_index", index(write.projection()),
                    "_id", write.write().id(), "version", write.version(), "version_type", "external_gte"));
            Object document = write.write().isDelete() ? Map.of(DELETED, true, DELETED_VERSION, write.version())
                    : write.write().document();
            lines.add(action);
            lines.add(document);
            sent.add(write);
            bytes += estimate(write);
            if (bytes >= BULK_BYTES) {
                refusals.addAll(bulk(lines, sent));
                lines = new ArrayList<>();
                sent = new ArrayList<>();
                bytes = 0;
            }
        }
        if (!sent.isEmpty()) {
            refusals.addAll(bulk(lines, sent));
        }
        return refusals;
    }

    private static int estimate(Planned write) {
        return write.write().isDelete() ? 64 : 2 * write.write().document().toString().length() + 128;
    }

    // No refresh: the answer comes once the engine has the writes in its translog (durable), and they become
    // searchable at its next refresh (index.refresh_interval, 1 s); waiting for that would stall the projector.
    private List<Refusal> bulk(List<Object> lines, List<Planned> sent) {
        JsonNode answer = available(() -> client.bulk("/_bulk", lines));
        List<Refusal> refusals = new ArrayList<>();
        if (!answer.path("errors").asBoolean()) {
            return refusals;
        }
        JsonNode items = answer.path("items");
        for (int i = 0; i < items.size(); i++) {
            JsonNode result = items.get(i).path("index");
            JsonNode error = result.path("error");
            if (error.isMissingNode()) {
                continue;
            }
            String type = error.path("type").asText();
            int status = result.path("status").asInt();
            if ("version_conflict_engine_exception".equals(type)) {
                continue; // the document holds a newer change already: this one is rightly refused
            }
            if (status == 429 || status >= 500) {
                // the engine is overloaded or a shard is away: the whole batch is tried again (versions make the
                // documents written already harmless to write again)
                throw new StoreUnavailableException("search engine refused a bulk item for now: " + type + " "
                        + error.path("reason").asText(), null);
            }
            Planned write = sent.get(i);
            refusals.add(new Refusal(write.change(), write.projection().name(), Refusal.Stage.APPLY,
                    new SearchRefusedException(status, type, error.path("reason").asText())));
        }
        return refusals;
    }

    /** The generation's index of each model is what its alias names (checked on the first model's). */
    private boolean readersUseThisGeneration() {
        Optional<String> served = aliasTarget(projections.get(0));
        if (served.isEmpty()) {
            throw new StoreDataLostException(name(), "the alias " + indexes.alias(projections.get(0).index()),
                    "no alias");
        }
        return served.get().equals(index(projections.get(0)));
    }

    /**
     * For a rebuild's generation, complete after this batch: whether it is at least as new as the generation readers
     * use (or none is served).
     */
    private boolean levelWithActive(String watermark) {
        Optional<String> served = aliasTarget(projections.get(0));
        if (served.isEmpty()) {
            return true;
        }
        String servedGeneration = servedGeneration(served.get());
        if (servedGeneration.equals(generation)) {
            return true;
        }
        String servedWatermark = readMeta(servedGeneration).watermark();
        return servedWatermark == null || watermark.compareTo(servedWatermark) >= 0;
    }

    private Optional<String> aliasTarget(SearchProjection projection) {
        return available(() -> client.get("/_alias/" + indexes.alias(projection.index())))
                .flatMap(answer -> {
                    var names = answer.fieldNames();
                    return names.hasNext() ? Optional.of(names.next()) : Optional.empty();
                });
    }

    /**
     * Points the aliases here and deletes the indices they named: a generation is built in place when the one before
     * cannot be resumed, and when Redis lost its data the generations it listed are forgotten, so nothing else would
     * ever remove their indices.
     */
    private void replaceServedIndices() {
        moveAliases().forEach(this::deleteIfExists);
    }

    private void createMissingIndices() {
        for (SearchProjection projection : projections) {
            if (available(() -> client.get("/" + index(projection))).isEmpty()) {
                try {
                    available(() -> client.send("PUT", "/" + index(projection), projection.definition()));
                } catch (SearchRefusedException e) {
                    if (!"resource_already_exists_exception".equals(e.type())) {
                        throw e; // else another stream's store made it meanwhile
                    }
                }
            }
        }
    }

    /**
     * Points every model's alias at this generation's index, in one _aliases call (atomic for readers). The old
     * index may be deleted between reading the alias and moving it (its generation retired once Redis took over in
     * the same batch): then the alias went with it, and the move is made again without it.
     */
    private List<String> moveAliases() {
        // what the batches wrote becomes searchable at the next refresh: make it so before readers switch, or a
        // rebuilt index would miss its last writes for up to index.refresh_interval after the switch
        for (SearchProjection projection : projections) {
            available(() -> client.send("POST", "/" + index(projection) + "/_refresh", null));
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return moveAliasesOnce();
            } catch (SearchRefusedException e) {
                // the index, or its alias, went while the move was being made (see above)
                boolean gone = "index_not_found_exception".equals(e.type())
                        || "aliases_not_found_exception".equals(e.type());
                if (!gone || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** Answers the indices the aliases named before. */
    private List<String> moveAliasesOnce() {
        List<Object> actions = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        for (SearchProjection projection : projections) {
            String alias = indexes.alias(projection.index());
            aliasTarget(projection).filter(old -> !old.equals(index(projection))).ifPresent(old -> {
                actions.add(Map.of("remove", Map.of("index", old, "alias", alias)));
                replaced.add(old);
            });
            actions.add(Map.of("add", Map.of("index", index(projection), "alias", alias)));
        }
        available(() -> client.send("POST", "/_aliases", Map.of("actions", actions)));
        return replaced;
    }

    /** Moves the aliases here unless they are here already (another stream's store of the generation moved them). */
    @Override
    public void becameActive() {
        onTakenOver = null;
        if (!aliasTarget(projections.get(0)).equals(Optional.of(index(projections.get(0))))) {
            moveAliases();
        }
    }

    @Override
    public void retry(RowChange change, String projectionName) {
        List<Planned> planned = new ArrayList<>();
        List<Refusal> unplanned = new ArrayList<>();
        plan(change, change.position().sortKey(), planned, unplanned);
        planned.removeIf(write -> projectionName != null && !write.projection().name().equals(projectionName));
        if (!unplanned.isEmpty()) {
            throw unplanned.get(0).error();
        }
        List<Refusal> refusals = write(planned);
        refresher.written(indices());
        if (!refusals.isEmpty()) {
            throw refusals.get(0).error();
        }
    }

    /**
     * Deletes the tombstones whose version is below both the committed watermark's (several streams: the lowest of
     * their {@code position@STREAM}) and every one of {@code deadLetters} (positions of the changes this store refused
     * and keeps as dead letters): no write older than such a tombstone can reach the index any more (see
     * {@link TombstonePurge} for why). Answers how many went.
     */
    public long purgeTombstones(List<String> deadLetters) {
        Meta meta = readMeta();
        // several streams: the lowest of their binlog positions, as each article's changes come by one stream in order
        String watermark = meta.watermark() != null ? meta.watermark() : meta.lowest(StreamWatermarks.POSITION);
        if (watermark == null) {
            return 0; // nothing committed yet (or building from the start): nothing is known to be old
        }
        long horizon = SearchVersions.of(watermark);
        for (String position : deadLetters) {
            horizon = Math.min(horizon, SearchVersions.of(position));
        }
        Map<String, Object> query = Map.of("bool", Map.of("filter", List.of(
                Map.of("term", Map.of(DELETED, true)),
                Map.of("range", Map.of(DELETED_VERSION, Map.of("lt", horizon))))));
        long purged = 0;
        for (SearchProjection projection : projections) {
            purged += purgeTombstones(index(projection), query);
        }
        return purged;
    }

    /**
     * Deletes up to {@value #PURGE_BATCH} tombstones {@code query} finds (more wait for the next run): a search, then
     * one _bulk of deletes, each conditional on the tombstone being what the search found (if_seq_no), so one a newer
     * write of its id replaced meanwhile stays that write. (_delete_by_query would be one call, but it lives in the
     * reindex module, which the embedded node does not load.)
     */
    private long purgeTombstones(String index, Map<String, Object> query) {
        JsonNode hits = available(() -> client.send("POST", "/" + index + "/_search", Map.of("size", PURGE_BATCH,
                "_source", false, "seq_no_primary_term", true, "query", query))).path("hits").path("hits");
        if (hits.isEmpty()) {
            return 0;
        }
        List<Object> deletes = new ArrayList<>();
        for (JsonNode hit : hits) {
            deletes.add(Map.of("delete", Map.of("_index", index, "_id", hit.path("_id").asText(),
                    "if_seq_no", hit.path("_seq_no").asLong(), "if_primary_term", hit.path("_primary_term").asLong())));
        }
        long deleted = 0;
        for (JsonNode item : available(() -> client.bulk("/_bulk", deletes)).path("items")) {
            if ("deleted".equals(item.path("delete").path("result").asText())) {
                deleted++;
            }
        }
        return deleted;
    }

    /** Deletes this generation's indices and watermark: it is retired (replaced, or abandoned half built). */
    @Override
    public void remove() {
        known = null;
        projections.forEach(projection -> deleteIfExists(index(projection)));
        try {
            available(() -> client.send("DELETE", "/" + indexes.meta() + "/_doc/" + generation, null));
        } catch (SearchRefusedException absent) {
            // nothing to delete
        }
    }

    @Override
    public Map<String, Long> documents() {
        Map<String, Long> documents = new LinkedHashMap<>();
        for (SearchProjection projection : projections) {
            documents.put(projection.name(), documents(projection));
        }
        return documents;
    }

    /** The live documents of the model's index, tombstones left out; -1 when the index is not there. */
    private long documents(SearchProjection projection) {
        return available(() -> client.get("/" + index(projection) + "/_count?q=NOT%20deleted:true"))
                .map(answer -> answer.path("count").asLong()).orElse(-1L);
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        Meta meta = readMeta();
        status.put("watermark", meta.text(watermarkField));
        meta.fields().forEach((field, value) -> {
            if (StreamWatermarks.isStreamField(field)) {
                status.put(field, value); // each stream's offset, in a generation filled by several
            }
        });
        for (SearchProjection projection : projections) {
            status.put(projection.index(), Map.of("index", index(projection), "documents", documents(projection)));
        }
        return status;
    }

    private void deleteIfExists(String index) {
        try {
            available(() -> client.send("DELETE", "/" + index, null));
        } catch (SearchRefusedException e) {
            if (!"index_not_found_exception".equals(e.type())) {
                throw e;
            }
        }
    }

    private String index(SearchProjection projection) {
        return indexes.index(projection.index(), generation);
    }

    private List<String> indices() {
        return projections.stream().map(this::index).toList();
    }

    /** The engine unreachable is the store unavailable: the projector waits and tries the batch again. */
    private static <T> T available(Supplier<T> call) {
        try {
            return call.get();
        } catch (SearchUnavailableException e) {
            throw new StoreUnavailableException(e.getMessage(), e);
        }
    }
}
