package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.bench.Progress;
import dev.boardcqrs.bench.report.Results;
import dev.boardcqrs.bench.report.Section;
import dev.boardcqrs.launcher.DevStack;
import dev.boardcqrs.projector.ProjectorConfig;
import dev.boardcqrs.projector.ReadModels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Kafka mode (issue 18) beside the embedded engine, on the same seeded database and Redis: a broker and a Connect
 * worker run the connector (its snapshot puts the seeded rows in the topics), then projector instances in Kafka mode
 * read the topics from their beginning into a namespace of their own, once with one instance and once with two (a new
 * namespace and consumer group each time): catch-up throughput beside the embedded engine's snapshot rate. The two
 * instances then stay for freshness, commit to visible in a query-api of their namespace, with the freshness
 * scenario's load and observer. The embedded projector is stopped meanwhile (one binlog reader and one set of
 * projector threads at a time, as the freshness scenario does for its count-only consumer) and started again at the end.
 */
public final class KafkaScenario implements Scenario {
    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String OBSERVER = "query-api, Kafka mode (2 instances)";

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public void run(BenchContext context, Results results) throws Exception {
        DevStack stack = context.stack();
        Section catchUp = results.add(Section.of(name(), "Kafka mode: catch-up from the topics' beginning, beside the "
                + "embedded engine's snapshot", "reader", "instances", "rows", "s", "rows/s", "x embedded snapshot"));
        Section freshness = results.add(Section.of("kafka-freshness", "Kafka mode: freshness, commit to visible in "
                        + "query-api, beside the embedded engine", "write rate", "achieved writes/s", "observer",
                "samples", "p50 ms", "p99 ms", "max ms", "not seen"));
        WriteLoad.Written last = null;
        stack.stopProjector();
        try (DevStack.KafkaServers kafka = DevStack.KafkaServers.start()) {
            Map<String, String> variables = kafkaVariables(stack, kafka);
            ProjectorConfig config = stack.projectorConfig(variables);
            long rows = sourceRows(context, config);
            double connectorSeconds = connectorSnapshot(kafka, config, rows);
            long records;
            try (TopicEnds ends = new TopicEnds(config)) {
                records = ends.records();
            }
            Progress.Measured embedded = context.initialSnapshot();
            catchUp.row("embedded engine: first snapshot of this run", 1, embedded.count(), embedded.seconds(),
                    embedded.rate(), 1.0);
            Optional<Double> warm = warmEmbeddedSnapshotRate(results);
            warm.ifPresent(rate -> catchUp.row("embedded engine: snapshot again (projector scenario)", 1, null, null,
                    rate, rate / embedded.rate()));
            catchUp.row("connector on Kafka Connect: snapshot into the topics", null, rows, connectorSeconds,
                    rows / connectorSeconds, rows / connectorSeconds / embedded.rate());
            List<Map<String, Object>> catchUps = new ArrayList<>();
            try (KafkaDeployment one = KafkaDeployment.start(stack, variables, "kbench-1", 1)) {
                catchUps.add(catchUpRow(catchUp, one, 1, records, embedded.rate()));
            }
            try (KafkaDeployment two = KafkaDeployment.start(stack, variables, "kbench-2", 2)) {
                catchUps.add(catchUpRow(catchUp, two, 2, records, embedded.rate()));
                last = measureFreshness(context, results, freshness, two);
            }
            catchUp.put("sourceRows", rows)
                    .put("records", records)
                    .put("connectorSnapshotSeconds", connectorSeconds)
                    .put("embeddedSnapshotRowsPerSecond", embedded.rate())
                    .put("catchUps", catchUps);
            warm.ifPresent(rate -> catchUp.put("embeddedWarmSnapshotRowsPerSecond", rate));
            notes(catchUp, freshness, config);
        } finally {
            stack.startProjectorAgain();
        }
        if (last != null) {
            FreshnessScenario.awaitVisible(context.queryApiPort(), last.lastArticleId(), last.lastTitle());
        }
    }

    /**
     * Kafka mode on the broker, search off (the scenario measures Redis' models), and a binlog server id of the
     * connector's own: the projector's generations use its id and that id with the lowest bit flipped, the
     * count-only engine the id + 2.
     */
    private static Map<String, String> kafkaVariables(DevStack stack, DevStack.KafkaServers kafka) {
        Map<String, String> variables = new HashMap<>(kafka.projectorVariables());
        variables.put("SEARCH_ENABLED", "false");
        variables.put("PROJECTOR_PORT", "0");
        variables.put("PROJECTOR_SERVER_ID", Long.toString(stack.projectorConfig().serverId() + 3));
        return variables;
    }

    /** The rows of every table a read model reads: what the connector's snapshot puts in the topics. */
    private static long sourceRows(BenchContext context, ProjectorConfig config) throws Exception {
        long rows = 0;
        for (String table : ReadModels.tables(ReadModels.redis(config))) {
            rows += context.stack().database().count("SELECT COUNT(*) FROM " + table);
        }
        return rows;
    }

    /** Registers the connector and waits until its snapshot is in the topics; the seconds from registering. */
    private static double connectorSnapshot(DevStack.KafkaServers kafka, ProjectorConfig config, long rows)
            throws Exception {
        long started = System.nanoTime();
        kafka.runConnector(config);
        try (TopicEnds ends = new TopicEnds(config)) {
            while (ends.records() < rows) {
                if (System.nanoTime() - started > TIMEOUT.toNanos()) {
                    throw new IllegalStateException("the connector's snapshot of " + rows + " rows was not in the "
                            + "topics within " + TIMEOUT.toMinutes() + " min (" + ends.records() + " records)");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
        return (System.nanoTime() - started) / 1e9;
    }

    private static Map<String, Object> catchUpRow(Section section, KafkaDeployment deployment, int instances,
                                                  long records, double embeddedRate) {
        Progress.Measured measured = Progress.await(deployment::applied, everyTenMillis(deployment::built), TIMEOUT);
        section.row("Kafka mode: projectors read the topics", instances, measured.count(), measured.seconds(),
                measured.rate(), measured.rate() / embeddedRate);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("instances", instances);
        row.put("rows", measured.count());
        row.put("appliedTotal", deployment.applied());
        row.put("seconds", measured.seconds());
        row.put("rowsPerSecond", measured.rate());
        row.put("ratioToEmbeddedSnapshot", measured.rate() / embeddedRate);
        return row;
    }

    // the check reads Redis: every 10 ms is enough resolution and stays out of the projectors' way
    private static BooleanSupplier everyTenMillis(BooleanSupplier check) {
        long[] lastAt = {0};
        return () -> {
            long now = System.nanoTime();
            if (now - lastAt[0] < TimeUnit.MILLISECONDS.toNanos(10)) {
                return false;
            }
            lastAt[0] = now;
            return check.getAsBoolean();
        };
    }

    private static Optional<Double> warmEmbeddedSnapshotRate(Results results) {
        return results.sections().stream().filter(section -> section.scenario().equals("projector")).findFirst()
                .map(section -> (Double) section.data().get("snapshotRowsPerSecond"));
    }

    /** Each write rate in Kafka mode, beside the freshness scenario's query-api row of that rate when it ran. */
    @SuppressWarnings("unchecked")
    private static WriteLoad.Written measureFreshness(BenchContext context, Results results, Section section,
                                                     KafkaDeployment deployment) throws Exception {
        List<Map<String, Object>> embedded = results.sections().stream()
                .filter(other -> other.scenario().equals("freshness")).findFirst()
                .map(other -> (List<Map<String, Object>>) other.data().get("measurements")).orElse(List.of());
        int port = deployment.queryApiPort();
        List<Map<String, Object>> rows = new ArrayList<>();
        WriteLoad.Written written = null;
        for (int rate : context.config().writeRates()) {
            embedded.stream().filter(row -> row.get("rate").equals(rate) && row.get("observer").equals("query-api"))
                    .forEach(row -> section.row(rate + "/s", row.get("achievedRate"), "query-api, embedded engine",
                            row.get("samples"), row.get("p50Ms"), row.get("p99Ms"), row.get("maxMs"), row.get("notSeen")));
            Lags lags;
            try (QueryApiObserver observer = new QueryApiObserver(port)) {
                written = new WriteLoad(context.stack().database(), context.data(), "kafka" + rate).run(rate,
                        context.config().warmup(), context.config().freshnessDuration(), observer);
                lags = observer.finish(PATIENCE);
            }
            rows.add(FreshnessScenario.row(section, rate + "/s", rate, written, OBSERVER, lags));
        }
        section.put("measurements", rows);
        return written;
    }

    private static void notes(Section catchUp, Section freshness, ProjectorConfig config) {
        catchUp.note("Rows/s as the embedded snapshot is measured: from the first poll (every 1 ms) that saw the "
                        + "instances' applied-rows counter move to the poll that saw the generation built, that is every "
                        + "partition's end, as it was when the partition looked, applied once (the `building` mark of "
                        + "the generation's meta, checked every 10 ms). Consumer-group start-up is outside the window; "
                        + "with two instances the second one's joining (a rebalance) is inside it when the first had "
                        + "started reading.")
                .note("Each Kafka run starts from nothing: a new Redis namespace (kbench-1, kbench-2) and consumer "
                        + "group of the same name, read from the topics' beginning; the namespace's keys are removed "
                        + "afterwards. The topics hold the connector's snapshot of the seeded data and nothing else (no "
                        + "writes meanwhile): " + config.kafka().partitions() + " partitions of the articles' topic "
                        + "(KAFKA_PARTITIONS), one of the catalog's (which the connector makes with the first catalog row: "
                        + "the catalog scenario's, when it ran before).")
                .note("The embedded engine's rows are its first snapshot in this JVM, from the database (cold code); "
                        + "the Kafka instances run after it, in the same JVM, on the same Redis, with the embedded "
                        + "projector stopped. The connector's row is from registering it on the worker to its snapshot "
                        + "being in the topics, start-up included.")
                .note("Broker and Connect worker: one KRaft node and one worker, each a JVM of its own (-Xmx512m, "
                        + "Serial GC), on this machine's cores beside everything else; replication factor 1. The two "
                        + "instances share those cores too (and one Redis, single-threaded): what a second instance "
                        + "gains here is a floor for what it gains on cores of its own.");
        freshness.note("Same WriteLoad and QueryApiObserver as the freshness scenario (single-row title UPDATEs, "
                        + "sampled, polled every 0.25 ms, or every fiftieth of the time waited once that is longer), against a query-api serving the Kafka deployment's namespace; "
                        + "the two instances of the catch-up run share the group.")
                .note("Kafka mode's lag includes: the connector's binlog reading and its queue (poll.interval.ms "
                        + Math.max(1, config.pollInterval().toMillis()) + ", max.batch.size " + config.maxBatchSize()
                        + ", as the embedded engine: rendered from the same settings), Connect's source task loop and "
                        + "producer (the worker's defaults: acks=all, one request in flight, linger.ms as Kafka's "
                        + "producer default), the broker's append, the projector's fetch (fetch.min.bytes 1: the broker "
                        + "answers as soon as a record is there) and its batch into Redis, then query-api's read. The "
                        + "embedded engine's lag has only the first and the last two.")
                .note("Settings: the connector and the projectors are configured exactly as LAUNCHER_MODE=kafka and "
                        + "the shipped connector file configure them; nothing was tuned for this benchmark, so these "
                        + "numbers are what a default deployment gives.");
    }
}
