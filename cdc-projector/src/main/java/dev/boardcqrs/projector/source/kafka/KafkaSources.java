package dev.boardcqrs.projector.source.kafka;

import dev.boardcqrs.projector.apply.ProjectorStatus;
import dev.boardcqrs.projector.generation.Generation;
import dev.boardcqrs.projector.source.ChangeSource;
import dev.boardcqrs.projector.source.ChangeSources;
import dev.boardcqrs.projector.source.OrderingGroup;
import dev.boardcqrs.projector.source.StreamHandlers;
import dev.boardcqrs.projector.source.debezium.OffsetFile;
import dev.boardcqrs.projector.source.debezium.SourceDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The connector's topics on Kafka (PROJECTOR_SOURCE=kafka), read by the projector instances of one consumer group
 * (KAFKA_GROUP_ID); each instance has one consumer, and each partition it owns is a stream of its own whose offset
 * the stores keep beside the models ({@link KafkaSource}). The connector, not the projector, reads the database
 * and snapshots it into the topics; a new generation reads the topics from their beginning.
 *
 * <p>A rebuild's generation is read by the instance that runs it, every partition from the beginning, outside the
 * group ({@link #openBeside}); once it has taken over, each instance reads it in the group as any active one.
 *
 * <p>A replay restarts the connector from a binlog position on Kafka Connect ({@link ConnectorPosition}): it sends
 * the changes from there to the topics again, and every instance reads them as any others, without stopping; each
 * partition skips what it already took, so only what the topics never got is applied.
 */
public final class KafkaSources implements ChangeSources {
    private static final int MAX_POLL_RECORDS = 2048;

    private final KafkaSettings kafka;
    private final List<String> topics;
    private final List<KafkaSource> open = new CopyOnWriteArrayList<>();
    private final PartitionGauges gauges;
    private final ConnectorPosition connector;
    private final SourceDatabase database;

    /**
     * {@code groups}: how the read models' tables are ordered, which names the topics the connector writes;
     * {@code gauges}: where each partition's lag is shown while this instance reads it; {@code connector}: where a
     * replay sets the connector's position (null: KAFKA_CONNECT_URL is not set, and replay says so);
     * {@code database}: the connector's database, asked for the GTID state at a replay's binlog position.
     */
    public KafkaSources(KafkaSettings kafka, List<OrderingGroup> groups, PartitionGauges gauges,
                        ConnectorPosition connector, SourceDatabase database) {
        this.kafka = kafka;
        this.gauges = gauges;
        this.connector = connector;
        this.database = database;
        this.topics = groups.stream().map(group -> ConnectorConfig.topic(kafka, group)).toList();
    }

    @Override
    public ChangeSource open(Generation generation, StreamHandlers handlers, ProjectorStatus status,
                             Consumer<Throwable> onFailure) {
        KafkaSource[] opened = new KafkaSource[1];
        opened[0] = new KafkaSource(new KafkaConsumer<>(consumerProperties(true)), true, topics,
                handlers, status, onFailure, () -> open.remove(opened[0]), gauges);
        open.add(opened[0]);
        return opened[0];
    }

    /** Every partition, assigned to this instance's consumer alone: the group's instances keep the active one's. */
    @Override
    public ChangeSource openBeside(Generation generation, StreamHandlers handlers, ProjectorStatus status,
                                   Consumer<Throwable> onFailure) {
        // its progress is the rebuild's status; /status' partitions and the lag gauges are the active generation's
        return new KafkaSource(new KafkaConsumer<>(consumerProperties(false)), false, topics,
                handlers, status, onFailure, () -> { }, PartitionGauges.NONE);
    }

    /** {@code inGroup}: the consumer joins KAFKA_GROUP_ID; else it has no group and is assigned partitions. */
    Properties consumerProperties(boolean inGroup) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        if (inGroup) {
            properties.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.groupId());
        }
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // the stores keep the offsets with the models; Kafka's are written as a hint only
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(MAX_POLL_RECORDS));
        // a rebalance moves only the partitions that change owner, and spreads the topics' partitions over the
        // instances one by one (the range assignor gives partition 0 of every topic to the same instance)
        properties.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        // a heartbeat every fifteenth of the session, as Kafka's defaults (3 s of 45 s): a few lost ones do not end it
        properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Long.toString(kafka.sessionTimeout().toMillis()));
        properties.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Long.toString(kafka.sessionTimeout().toMillis() / 15));
        // the topics are the connector's: the projector never creates them with a broker's default partitions
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return properties;
    }

    @Override
    public boolean singleStream() {
        return false;
    }

    @Override
    public List<Map<String, Object>> streams() {
        List<Map<String, Object>> streams = new ArrayList<>();
        open.forEach(source -> streams.addAll(source.streams()));
        return streams;
    }

    /** A generation resumes from the positions its stores hold; one without any reads the topics from the start. */
    @Override
    public String whyNotResumable(Generation generation) {
        return null;
    }

    @Override
    public String lostPosition(Generation generation) {
        return null; // topics keep every change for good (retention.ms=-1)
    }

    @Override
    public void forget(Generation generation) {
        // the positions are in the generation's own keys, which go with it
    }

    @Override
    public long rowsToSnapshot() {
        return 0; // the connector snapshots into the topics, and the projector does not count them
    }

    @Override
    public boolean reachable() {
        return true; // the consumer waits for the brokers by itself
    }

    @Override
    public String end() {
        return "kafka " + String.join(", ", topics);
    }

    @Override
    public void checkPosition(String from) {
        if (connector == null) {
            throw new IllegalArgumentException("replay with PROJECTOR_SOURCE=kafka restarts the connector on Kafka "
                    + "Connect: set KAFKA_CONNECT_URL to its REST address (http://host:port)");
        }
        OffsetFile.parse(from);
    }

    /**
     * Restarts the connector from {@code from}, for every generation alike: the topics are the deployment's, not a
     * generation's, and the partitions' stored offsets stay where they are.
     */
    @Override
    public void replayFrom(Generation generation, String from) {
        checkPosition(from);
        // Debezium's source partition: one per connector, named by its topic prefix
        connector.restartFrom(Map.of("server", kafka.topicPrefix()), OffsetFile.offsetAt(from, database));
    }

    /** The topics read, in the order of the read models' ordering groups. */
    public List<String> topics() {
        return topics;
    }
}
