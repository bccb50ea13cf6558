package dev.boardcqrs.projector.source.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.EmbeddedKafka;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.ProjectorConfig;
import dev.boardcqrs.projector.ReadModels;
import dev.boardcqrs.projector.board.BoardProjection;
import dev.boardcqrs.projector.source.OrderingGroup;
import dev.boardcqrs.projector.source.debezium.ServerKind;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The connector configuration cdc-projector renders, registered on a real Kafka Connect worker (Debezium's connector
 * for the test's database) writing to a real KRaft broker, both in JVMs of their own: rows written with plain SQL
 * for several articles come out of the articles topic with every change of one article (its row, its comments, its
 * likes) in one partition, in commit order, and the articles spread over the topic's partitions.
 */
class ConnectorOnKafkaConnectIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long BOARD = 7_001;
    private static final int ARTICLES = 12;

    private static EmbeddedDatabase database;
    private static KafkaConsumer<String, String> consumer;
    private static String topic;
    private static String transactionTopic;
    private static final List<Change> received = new ArrayList<>();

    @BeforeAll
    static void registerTheConnector() throws Exception {
        database = SharedServers.database();
        EmbeddedKafka kafka = SharedServers.kafka();
        ProjectorConfig config = ProjectorConfig.fromEnv(new Env(Map.of(
                "DATABASE_URL", database.jdbcUrl(),
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())));
        ServerKind kind = ServerKind.detect(database.jdbcUrl(), config.databaseUser(), config.databasePassword());
        OrderingGroup articles = BoardProjection.ORDERING;
        assertThat(articles.tables()).containsExactlyInAnyOrder("article", "comment", "article_like");
        topic = ConnectorConfig.topic(config.kafka(), articles);
        transactionTopic = ConnectorConfig.transactionTopic(config.kafka());
        Map<String, String> settings = ConnectorConfig.render(config, config.kafka(), kind,
                ReadModels.tables(ReadModels.redis(config)), ReadModels.orderingGroups());

        SharedServers.kafkaConnect().run(ConnectorConfig.NAME, settings);

        consumer = new KafkaConsumer<>(consumerProperties(kafka.bootstrapServers()));
        // the connector creates the topic (with its partitions) before it writes the first change to it
        long marker = database.insert("INSERT INTO article (board_id, writer_id, title, content) VALUES (?, 1, ?, ?)",
                BOARD, "marker", "written once the connector runs");
        await().atMost(Duration.ofSeconds(120)).until(() -> consumer.listTopics().containsKey(topic));
        consumer.assign(consumer.partitionsFor(topic).stream()
                .map(partition -> new TopicPartition(topic, partition.partition())).toList());
        consumer.seekToBeginning(consumer.assignment());
        // from here on the connector streams: what is written next comes as changes, not as snapshot rows
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            poll();
            return received.stream().anyMatch(change -> change.articleId() == marker);
        });
    }

    @AfterAll
    static void closeTheConsumer() {
        if (consumer != null) {
            consumer.close();
        }
    }

    @Test
    void shouldPutEveryChangeOfOneArticleInOnePartitionInCommitOrder() throws Exception {
        Map<Long, List<String>> written = writeArticlesCommentsAndLikes();

        await().atMost(Duration.ofSeconds(120)).until(() -> {
            poll();
            return written.entrySet().stream().allMatch(article ->
                    changesOf(article.getKey()).size() >= article.getValue().size());
        });

        for (Map.Entry<Long, List<String>> article : written.entrySet()) {
            List<Change> changes = changesOf(article.getKey());
            assertThat(changes.stream().map(Change::partition).distinct().toList())
                    .as("partitions of article %d", article.getKey()).hasSize(1);
            assertThat(changes.stream().sorted(Comparator.comparingLong(Change::offset)).map(Change::what).toList())
                    .as("changes of article %d in offset order", article.getKey())
                    .containsExactlyElementsOf(article.getValue());
            assertThat(changes).as("tombstones of article %d", article.getKey()).noneMatch(Change::tombstone);
        }
        Set<Integer> partitions = written.keySet().stream().map(article -> changesOf(article).get(0).partition())
                .collect(Collectors.toSet());
        assertThat(partitions).as(ARTICLES + " articles' partitions").hasSizeGreaterThan(1);
        assertThat(consumer.listTopics()).as("the transactions' BEGIN/END markers are dropped, not written")
                .doesNotContainKey(transactionTopic);
    }

    /**
     * Writes articles, comments and likes, interleaving the articles (each round touches every article in turn), with
     * inserts, updates and deletes and one transaction over two articles; answers each article's changes in commit
     * order, as {@link Change#what()} names them.
     */
    private static Map<Long, List<String>> writeArticlesCommentsAndLikes() throws Exception {
        Map<Long, List<String>> written = new LinkedHashMap<>();
        for (int i = 0; i < ARTICLES; i++) {
            long article = database.insert(
                    "INSERT INTO article (board_id, writer_id, title, content) VALUES (?, ?, ?, ?)",
                    BOARD, 10 + i, "article " + i, "content " + i);
            written.put(article, new ArrayList<>(List.of("article c " + article)));
        }
        Map<Long, Long> comments = new LinkedHashMap<>();
        for (long article : written.keySet()) {
            long comment = database.insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 20, 'hi')",
                    article);
            comments.put(article, comment);
            written.get(article).add("comment c " + comment);
        }
        Map<Long, Long> likes = new LinkedHashMap<>();
        for (long article : written.keySet()) {
            long like = database.insert("INSERT INTO article_like (article_id, user_id) VALUES (?, 30)", article);
            likes.put(article, like);
            written.get(article).add("article_like c " + like);
        }
        for (long article : written.keySet()) {
            database.execute("UPDATE article SET title = 'edited' WHERE article_id = ?", article);
            written.get(article).add("article u " + article);
            database.execute("UPDATE comment SET deleted = TRUE WHERE comment_id = ?", comments.get(article));
            written.get(article).add("comment u " + comments.get(article));
        }
        for (long article : written.keySet()) {
            database.execute("DELETE FROM article_like WHERE article_like_id = ?", likes.get(article));
            written.get(article).add("article_like d " + likes.get(article));
        }
        List<Long> ids = new ArrayList<>(written.keySet());
        long first = ids.get(0);
        long second = ids.get(1);
        database.executeInTransaction(
                "INSERT INTO article_like (article_id, user_id) VALUES (" + first + ", 31)",
                "UPDATE article SET title = 'together' WHERE article_id = " + second,
                "UPDATE article SET title = 'together' WHERE article_id = " + first);
        long together = database.ids("SELECT article_like_id FROM article_like WHERE article_id = " + first
                + " AND user_id = 31").get(0);
        written.get(first).addAll(List.of("article_like c " + together, "article u " + first));
        written.get(second).add("article u " + second);
        database.execute("DELETE FROM comment WHERE comment_id = ?", comments.get(second));
        written.get(second).add("comment d " + comments.get(second));
        return written;
    }

    private static List<Change> changesOf(long article) {
        return received.stream().filter(change -> change.articleId() == article && !change.op().equals("r")).toList();
    }

    private static void poll() throws IOException {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
            received.add(Change.of(record));
        }
    }

    private static Properties consumerProperties(String bootstrapServers) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // asking for the topic's partitions must not create it with the broker's default of one partition
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return properties;
    }

    /**
     * One record of the topic: where it is, and what change it carries ({@code what}: "TABLE OP ID", OP as Debezium
     * writes it: c, u, d, or r for a snapshot row). A tombstone (no value) has only its key's article.
     */
    private record Change(int partition, long offset, long articleId, String op, String what, boolean tombstone) {

        static Change of(ConsumerRecord<String, String> record) throws IOException {
            if (record.value() == null) {
                long article = JSON.readTree(record.key()).path("payload").path("article_id").asLong();
                return new Change(record.partition(), record.offset(), article, "tombstone", "tombstone", true);
            }
            JsonNode change = JSON.readTree(record.value()).path("payload");
            String op = change.path("op").asText();
            JsonNode row = change.path(op.equals("d") ? "before" : "after");
            String table = change.path("source").path("table").asText();
            return new Change(record.partition(), record.offset(), row.path("article_id").asLong(), op,
                    table + " " + op + " " + row.path(table + "_id").asLong(), false);
        }
    }
}
