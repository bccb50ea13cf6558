package dev.boardcqrs.projector;

import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.metrics.ServiceMetrics;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.search.HttpSearchClient;
import dev.boardcqrs.common.search.SearchClient;
import dev.boardcqrs.common.search.SearchIndexes;
import dev.boardcqrs.common.web.HttpApps;
import dev.boardcqrs.projector.admin.AdminRoutes;
import dev.boardcqrs.projector.admin.OperatorAuthorization;
import dev.boardcqrs.projector.apply.ProjectorStatus;
import dev.boardcqrs.projector.console.ConsoleRoutes;
import dev.boardcqrs.projector.deadletter.DeadLetters;
import dev.boardcqrs.projector.generation.Generation;
import dev.boardcqrs.projector.generation.GenerationLifecycle;
import dev.boardcqrs.projector.generation.Generations;
import dev.boardcqrs.projector.generation.Pipeline;
import dev.boardcqrs.projector.metrics.ProjectorMetrics;
import dev.boardcqrs.projector.redis.CompactModels;
import dev.boardcqrs.projector.redis.ProjectorRedis;
import dev.boardcqrs.projector.redis.RedisProjection;
import dev.boardcqrs.projector.redis.RedisStore;
import dev.boardcqrs.projector.search.SearchProjection;
import dev.boardcqrs.projector.search.SearchStore;
import dev.boardcqrs.projector.search.SearchRefresher;
import dev.boardcqrs.projector.search.TombstonePurge;
import dev.boardcqrs.projector.source.ChangeSources;
import dev.boardcqrs.projector.store.ModelStore;
import dev.boardcqrs.projector.source.debezium.DebeziumSources;
import dev.boardcqrs.projector.source.debezium.SourceDatabase;
import dev.boardcqrs.projector.source.kafka.ConnectRest;
import dev.boardcqrs.projector.source.kafka.KafkaSettings;
import dev.boardcqrs.projector.source.kafka.KafkaSources;
import io.javalin.Javalin;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * cdc-projector, built from its dependencies: the change source (the embedded Debezium engine, or the connector's
 * Kafka topics with PROJECTOR_SOURCE=kafka) feeding the
 * registered read models ({@link ReadModels}) into Redis and the search engine (SEARCH_ENABLED), in generations
 * ({@link GenerationLifecycle}), plus a small HTTP endpoint for /health, /status, the operator commands
 * ({@link AdminRoutes}) and the console ({@link ConsoleRoutes}). Main and the tests build the same thing.
 */
public final class Projector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Projector.class);

    private final ProjectorConfig config;
    private final ProjectorRedis redis;
    private final List<RedisProjection<?>> projections;
    private final List<SearchProjection> searchProjections;
    private final SearchClient search; // null without SEARCH_ENABLED
    private final DeadLetters deadLetters;
    private final ProjectorMetrics metrics;
    private final Javalin http;
    private volatile ChangeSources sources;
    private volatile GenerationLifecycle generations;
    private volatile TombstonePurge tombstonePurge; // null without SEARCH_ENABLED
    private final SearchRefresher searchRefresher; // null without SEARCH_ENABLED

    /** The projector with the standard read models. */
    public Projector(ProjectorConfig config, UnifiedJedis redis) {
        this(config, ProjectorRedis.on(redis), ReadModels.redis(config));
    }

    public Projector(ProjectorConfig config, ProjectorRedis redis, List<RedisProjection<?>> projections) {
        this.config = config;
        this.redis = redis;
        this.projections = List.copyOf(projections);
        this.search = config.search().enabled() ? new HttpSearchClient(config.search()) : null;
        this.searchProjections = search == null ? List.of() : ReadModels.search();
        this.searchRefresher = search == null ? null : new SearchRefresher(search, config.searchRefreshInterval());
        this.deadLetters = new DeadLetters(redis, new KeyScheme(config.namespace()), Clock.systemUTC());
        ServiceMetrics serviceMetrics = new ServiceMetrics("cdc-projector");
        this.metrics = new ProjectorMetrics(serviceMetrics.registry(), this::status, deadLetters::count);
        for (SearchProjection projection : searchProjections) {
            metrics.documents(SearchStore.NAME, projection.name(), () -> documents(SearchStore.NAME, projection.name()));
        }
        this.http = HttpApps.create(config.host(), config.port(), serviceMetrics,
                routes -> {
                    AdminRoutes.register(routes, this, new OperatorAuthorization(config.access()));
                    ConsoleRoutes.register(routes);
                });
    }

    /** Connects to the database to pick the connector, then starts the source and the HTTP endpoint. */
    public Projector start() throws SQLException {
        List<String> tables = new ArrayList<>(ReadModels.tables(projections));
        searchProjections.stream().flatMap(projection -> projection.tables().stream())
                .filter(table -> !tables.contains(table)).distinct().forEach(tables::add);
        CompactModels.warning(redis).ifPresent(log::warn);
        String reading;
        if (config.kafkaSource()) {
            KafkaSettings settings = config.kafka();
            KafkaSources kafka = new KafkaSources(settings, ReadModels.orderingGroups(), metrics::partition,
                    settings.connectUrl() == null ? null : new ConnectRest(settings.connectUrl(), settings.connectorName()),
                    new SourceDatabase(config.databaseUrl(), config.databaseUser(), config.databasePassword()));
            sources = kafka;
            reading = "Kafka topics " + kafka.topics() + " at " + config.kafka().bootstrapServers() + " in group "
                    + config.kafka().groupId();
        } else {
            DebeziumSources debezium = DebeziumSources.connect(config, tables);
            sources = debezium;
            reading = Env.redacted(config.databaseUrl()) + " with the " + debezium.kind() + " connector";
        }
        generations = new GenerationLifecycle(new Generations(redis, config.namespace()), sources,
                this::stores, deadLetters, metrics, Clock.systemUTC());
        generations.start();
        if (search != null) {
            searchRefresher.start();
            tombstonePurge = new TombstonePurge(() -> generations.active().stores(), deadLetters::positions).start();
        }
        http.start();
        log.info("cdc-projector reading {} into {} (namespace '{}', generation {}, read models {}), offsets in {}",
                reading, Env.redacted(config.redisUrl()), config.namespace(), activeGeneration(), readModels(),
                config.kafkaSource() ? "Redis" : activeGeneration().offsetFile(config));
        return this;
    }

    /**
     * The stores of a generation for one stream of its source (null: the embedded engine's one stream): Redis first
     * (it holds the generations' pointers), then the search engine.
     */
    private List<ModelStore> stores(Generation generation, String stream) {
        RedisStore redisStore = new RedisStore(redis, generation.keys(config.namespace()), projections, stream);
        if (search == null) {
            return List.of(redisStore);
        }
        return List.of(redisStore, new SearchStore(search, new SearchIndexes(config.namespace()), generation.name(),
                searchProjections, config.searchLinger(), searchRefresher, stream));
    }

    /** What {@code model} holds in the active generation's store named {@code store}; NaN when it cannot say now. */
    private double documents(String store, String model) {
        GenerationLifecycle lifecycle = generations;
        if (lifecycle == null) {
            return Double.NaN;
        }
        try {
            return lifecycle.active().stores().stream().filter(candidate -> candidate.name().equals(store))
                    .findFirst().map(candidate -> candidate.documents().get(model)).map(Long::doubleValue)
                    .orElse(Double.NaN);
        } catch (RuntimeException e) {
            return Double.NaN; // the engine unreachable: a scrape answers without it
        }
    }

    private List<String> readModels() {
        List<String> names = new ArrayList<>(projections.stream().map(RedisProjection::name).toList());
        searchProjections.forEach(projection -> names.add(projection.name()));
        return names;
    }

    /**
     * Builds the read models again from a new snapshot into a new generation while the active one keeps serving.
     *
     * @throws dev.boardcqrs.projector.generation.RebuildRunningException when a rebuild is already running
     */
    public Generation rebuild(String reason) {
        return generations.rebuild(reason);
    }

    /** Makes the source start again from {@code from}; changes the models already contain are skipped. */
    public void replay(String from) {
        generations.replay(from);
    }

    /** Applies every dead letter again to the active generation; see {@link DeadLetters}. */
    public DeadLetters.RetryResult retryDeadLetters() {
        return deadLetters.retryAll(generations.active().stores());
    }

    /** Deletes the search tombstones nothing can need any more now, as the hourly job does; answers how many. */
    public long purgeSearchTombstones() {
        TombstonePurge purge = tombstonePurge;
        return purge == null ? 0 : purge.purge();
    }

    public DeadLetters deadLetters() {
        return deadLetters;
    }

    /** What /status answers: the active generation's progress, where the source ends, a rebuild's progress. */
    public Map<String, Object> statusBody() {
        GenerationLifecycle.Pipelines pipelines = generations.pipelines();
        Pipeline active = pipelines.active();
        Map<String, Object> body = new LinkedHashMap<>(active.status().toMap());
        body.put("sourceBinlogEnd", sources.end());
        body.put("generation", active.generation().name());
        body.put("watermark", active.watermark());
        body.put("deadLetters", deadLetters.count());
        body.put("readModels", readModels());
        if (config.kafkaSource()) {
            body.put("partitions", sources.streams()); // the ones this instance reads now
        }
        Map<String, Object> stores = new LinkedHashMap<>();
        for (ModelStore store : active.stores()) {
            Map<String, Object> status = new LinkedHashMap<>();
            try {
                status.putAll(store.status());
            } catch (RuntimeException e) {
                status.put("error", e.getMessage());
            }
            status.put("refused", metrics.refused(store.name())); // since start; each is a dead letter
            status.put("queuedChanges", active.status().queuedChanges(store.name()));
            stores.put(store.name(), status);
        }
        body.put("stores", stores);
        Pipeline building = pipelines.rebuilding();
        if (building != null) {
            Map<String, Object> progress = new LinkedHashMap<>();
            progress.put("generation", building.generation().name());
            progress.put("state", building.status().state().name());
            if (config.kafkaSource()) {
                List<Map<String, Object>> partitions = building.source().streams();
                progress.put("snapshotProgress", topicsProgress(partitions));
                progress.put("partitions", partitions);
            } else {
                progress.put("snapshotProgress", building.status().snapshotProgress());
            }
            progress.put("snapshotRows", building.status().snapshotRows());
            progress.put("snapshotRowsDone", building.status().snapshotRowsDone());
            progress.put("snapshotTotalRows", building.status().snapshotTotalRows());
            progress.put("failure", building.status().toMap().get("failure"));
            body.put("rebuild", progress);
        }
        return body;
    }

    /** A Kafka-mode rebuild's progress in a line: how many of the partitions it reads are at their end. */
    private static String topicsProgress(List<Map<String, Object>> partitions) {
        long atEnd = partitions.stream().filter(partition -> ((Number) partition.get("lag")).longValue() == 0).count();
        long behind = partitions.stream().mapToLong(partition -> ((Number) partition.get("lag")).longValue())
                .filter(lag -> lag > 0).sum();
        return String.format("reading the topics from their beginning: %d of %d partitions at their end, %,d records "
                + "behind", atEnd, partitions.size(), behind);
    }

    /** The generation readers use. */
    public Generation activeGeneration() {
        return generations.active().generation();
    }

    /** What the active generation's source has done. */
    public ProjectorStatus status() {
        return generations.active().status();
    }

    public int port() {
        return http.port();
    }

    /**
     * Stops the sources first (each finishes the batch in flight and commits its position), then the HTTP
     * endpoint. A rebuild that is still running starts over on the next start. Closing twice is harmless.
     */
    @Override
    public void close() {
        if (tombstonePurge != null) {
            tombstonePurge.close();
        }
        if (generations != null) {
            generations.close();
        }
        if (searchRefresher != null) {
            searchRefresher.close(); // after the sources: their last commits are refreshed by the engine's backstop
        }
        http.stop();
    }
}
