package dev.boardcqrs.projector.metrics;

import dev.boardcqrs.projector.apply.ProjectorStatus;
import dev.boardcqrs.projector.source.RowChange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The projector's meters (names as Prometheus shows them): {@code projector_lag_milliseconds} behind the source,
 * {@code projector_events_total} by table and operation, {@code projector_batch_size} and
 * {@code projector_batch_apply_seconds}, snapshot progress ({@code projector_snapshot_rows_done},
 * {@code projector_snapshot_rows}: Prometheus keeps the {@code _total} suffix for counters, so the gauge
 * {@code projector.snapshot.rows.total} is exported without it), {@code projector_errors_total} by kind,
 * {@code projector_refused_total} by store and read model, {@code projector_documents} by store and read model (where
 * a store counts cheaply), {@code projector_dead_letters} and {@code projector_failed}; in Kafka mode each partition's
 * lag ({@link #partition}).
 */
public final class ProjectorMetrics {
    private final MeterRegistry registry;
    private final Supplier<ProjectorStatus> status;
    private final DistributionSummary batchSize;
    private final Timer applyTime;
    // a rebuild's engine thread applies beside the active one's
    private final Map<EventKind, Counter> events = new ConcurrentHashMap<>();

    /**
     * {@code status}: what the active generation's engine has done; it changes when a rebuild takes over, so
     * the gauges ask for it each time.
     */
    public ProjectorMetrics(MeterRegistry registry, Supplier<ProjectorStatus> status, LongSupplier deadLetters) {
        this.registry = registry;
        this.status = status; // the registry holds meters' objects weakly
        Gauge.builder("projector.lag.milliseconds", status, current -> current.get().lagMillis())
                .description("how long after its commit at the source the last applied change was applied")
                .strongReference(true).register(registry);
        Gauge.builder("projector.snapshot.rows.done", status, current -> current.get().snapshotRowsDone())
                .description("rows of the running (or last) snapshot applied so far").strongReference(true)
                .register(registry);
        Gauge.builder("projector.snapshot.rows.total", status, current -> current.get().snapshotTotalRows())
                .description("rows the running (or last) snapshot has to read").strongReference(true)
                .register(registry);
        // the process still answers scrapes when the projector has failed (a purged binlog position, say), so
        // "up" alone cannot tell; /health answers 503 then, and alerts read this
        Gauge.builder("projector.failed", status, current -> current.get().state() == ProjectorStatus.State.FAILED ? 1 : 0)
                .description("1 when the active generation's projector has failed and stopped applying (see /health)")
                .strongReference(true).register(registry);
        Gauge.builder("projector.dead.letters", deadLetters, supplier -> supplier.getAsLong())
                .description("changes waiting in the dead-letter stream").strongReference(true).register(registry);
        FunctionCounter.builder("projector.redelivered.skipped", status, current -> current.get().duplicates())
                .description("changes delivered again (at or below the watermark) and skipped; starts again from 0 "
                        + "when a rebuilt generation takes over").register(registry);
        batchSize = DistributionSummary.builder("projector.batch.size").description("records per engine batch")
                .register(registry);
        applyTime = Timer.builder("projector.batch.apply")
                .description("time from an engine batch's hand-over until every store has it (the slowest store's "
                        + "lane, a lingering one included)")
                // a batch usually takes well under a millisecond: buckets from 0.1 ms, not the timer's default 1 ms
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000)).register(registry);
    }

    /** The row changes of one batch, counted by table and operation: one increment per kind, not per change. */
    public void applied(List<RowChange> changes) {
        Map<EventKind, Integer> byKind = new HashMap<>();
        for (RowChange change : changes) {
            byKind.merge(new EventKind(change.table(), change.operation()), 1, Integer::sum);
        }
        byKind.forEach((kind, count) -> events.computeIfAbsent(kind, this::eventCounter).increment(count));
    }

    private Counter eventCounter(EventKind kind) {
        return Counter.builder("projector.events").description("row changes applied, by table and operation")
                .tags("table", kind.table(), "operation", kind.operation().name().toLowerCase(Locale.ROOT))
                .register(registry);
    }

    /** What {@code projector.events} counts by. */
    private record EventKind(String table, RowChange.Operation operation) {
    }

    public void batch(int records, Duration took) {
        batchSize.record(records);
        applyTime.record(took);
    }

    /**
     * A change one of {@code store}'s read models refused ({@code model}: it goes to the dead letters), counted by
     * store and model beside the kind of error ({@link #error}).
     */
    public void refused(String store, String model) {
        Counter.builder("projector.refused").description("changes a read model refused, each a dead letter, by store "
                        + "and read model").tags("store", store, "model", model).register(registry).increment();
    }

    /** The changes {@code store}'s read models refused since start. */
    public long refused(String store) {
        return Math.round(registry.find("projector.refused").tag("store", store).counters().stream()
                .mapToDouble(Counter::count).sum());
    }

    /**
     * The documents {@code model} holds in {@code store}, asked at each scrape ({@code count}: NaN when the store
     * cannot say now).
     */
    public void documents(String store, String model, DoubleSupplier count) {
        Gauge.builder("projector.documents", count, DoubleSupplier::getAsDouble)
                .description("documents a read model holds in its store, where the store counts them cheaply (the "
                        + "search engine)").tags("store", store, "model", model).strongReference(true)
                .register(registry);
    }

    /**
     * A Kafka partition this instance reads (Kafka mode): {@code projector_partition_lag_messages} behind its end and
     * {@code projector_partition_lag_milliseconds} from the source's commit of its last stored change to the storing,
     * tagged by topic and partition. Answers what removes them, once another instance reads the partition: each
     * instance shows only its own.
     */
    public Runnable partition(String topic, int partition, LongSupplier messages, LongSupplier millis) {
        Gauge lag = Gauge.builder("projector.partition.lag.messages", messages, LongSupplier::getAsLong)
                .description("messages of a Kafka partition this instance reads that are not handed over yet "
                        + "(at its last poll; -1 before the first)").tags("topic", topic, "partition",
                        Integer.toString(partition)).strongReference(true).register(registry);
        Gauge time = Gauge.builder("projector.partition.lag.milliseconds", millis, LongSupplier::getAsLong)
                .description("how long after its commit at the source the last stored change of a Kafka partition "
                        + "was stored").tags("topic", topic, "partition", Integer.toString(partition))
                .strongReference(true).register(registry);
        return () -> {
            registry.remove(lag);
            registry.remove(time);
        };
    }

    /** {@code kind}: unreadable, projection, apply, engine, or a store retried (redis, search, dead-letters). */
    public void error(String kind) {
        Counter.builder("projector.errors").description("errors by kind; none of them stops the projector by itself")
                .tag("kind", kind).register(registry).increment();
    }
}
