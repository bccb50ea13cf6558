package dev.boardcqrs.launcher;

import static dev.boardcqrs.embedded.JsonHttp.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.common.binlog.BinlogStatus;
import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.projector.cli.OperatorCommands;
import dev.boardcqrs.projector.redis.JedisProjectorRedis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LAUNCHER_MODE=kafka (issue 18): the stack runs the connector on its own Kafka Connect worker and broker, and two
 * projectors in Kafka mode share the topics; a write through command-api reaches the models by that way alone (no
 * projector runs the embedded engine), and `replay` restarts the connector on the worker.
 */
class KafkaLauncherIT {
    private static DevStack stack;

    @BeforeAll
    static void start() throws Exception {
        // a token read that waited for the projector would wait this long: longer than a test request may take
        stack = TestStacks.start(Map.of("COMMAND_API_PORT", "0", "QUERY_API_PORT", "0", "PROJECTOR_PORT", "0",
                "LAUNCHER_MODE", "kafka", "READ_AFTER_TIMEOUT", "30s"));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldPrintTheBrokerTheWorkerAndBothProjectors() {
        assertThat(stack.endpoints()).anySatisfy(line -> assertThat(line).matches("kafka PLAINTEXT://127\\.0\\.0\\.1:\\d+"))
                .anySatisfy(line -> assertThat(line).matches("kafka-connect http://127\\.0\\.0\\.1:\\d+"))
                .anySatisfy(line -> assertThat(line).matches("cdc-projector-2 http://127\\.0\\.0\\.1:\\d+"))
                .anySatisfy(line -> assertThat(line).as("a 3-master Redis Cluster")
                        .matches("redis redis-cluster://127\\.0\\.0\\.1:\\d+(,127\\.0\\.0\\.1:\\d+){2}"))
                .noneSatisfy(line -> assertThat(line).startsWith("search "));
    }

    @Test
    void shouldCarryACommandApiWriteThroughTheTopicsToTheModelsWithTheProjectorsSharingThePartitions() {
        JsonHttp command = new JsonHttp(stack.commandApiUrl()).as(stack.tokenFor(1));
        long article = command.post("/articles", toJson(Map.of("boardId", 3, "title", "by kafka", "content", "x")))
                .json().get("articleId").asLong();
        command.post("/articles/" + article + "/comments", toJson(Map.of("content", "first")));

        KeyScheme namespace = new KeyScheme(stack.projectorConfig().namespace());
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            String model = BoardKeys.in(namespace.activeIn(stack.redis()).orElseThrow()).article(article);
            assertThat(stack.redis().hget(model, "title")).isEqualTo("by kafka");
            assertThat(stack.redis().hget(model, "commentCount")).isEqualTo("1");
        });
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<String> first = TestStacks.partitions(stack.projector());
            List<String> second = TestStacks.partitions(stack.secondProjector());
            assertThat(first).as("the first projector's share").isNotEmpty();
            assertThat(second).as("the second projector's share").isNotEmpty().doesNotContainAnyElementsOf(first);
            // the catalog's topic appears with the first catalog change; none was written here
            List<String> both = new ArrayList<>(first);
            both.addAll(second);
            assertThat(both).as("every partition of the articles' topic").containsExactlyInAnyOrderElementsOf(
                    IntStream.range(0, stack.projectorConfig().kafka().partitions())
                            .mapToObj(partition -> "board-cqrs.articles-" + partition).toList());
        });
    }

    @Test
    void shouldReplayFromABinlogPositionWithTheOperatorCommandAndCountNothingTwice() throws Exception {
        JsonHttp command = new JsonHttp(stack.commandApiUrl()).as(stack.tokenFor(1));
        String position = binlogEnd();
        long article = command.post("/articles", toJson(Map.of("boardId", 5, "title", "replayed", "content", "x")))
                .json().get("articleId").asLong();
        command.post("/articles/" + article + "/comments", toJson(Map.of("content", "first")));
        command.post("/articles/" + article + "/comments", toJson(Map.of("content", "second")));
        KeyScheme namespace = new KeyScheme(stack.projectorConfig().namespace());
        String model = BoardKeys.in(await().atMost(Duration.ofSeconds(90)).until(() -> namespace.activeIn(stack.redis()),
                Optional::isPresent).orElseThrow()).article(article);
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                assertThat(stack.redis().hget(model, "commentCount")).isEqualTo("2"));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        OperatorCommands commands = new OperatorCommands(stack.projectorConfig(), new JedisProjectorRedis(stack.redis()),
                new PrintStream(output, true, StandardCharsets.UTF_8), "http://127.0.0.1:" + stack.secondProjector().port());

        int exit = commands.run("replay", "--from", position);

        assertThat(exit).as(output.toString(StandardCharsets.UTF_8)).isZero();
        // the connector runs again: a comment written after the replay arrives, and the two sent again count once
        command.post("/articles/" + article + "/comments", toJson(Map.of("content", "after the replay")));
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                assertThat(stack.redis().hget(model, "commentCount")).isEqualTo("3"));
    }

    /** FILE:POSITION where the binlog ends now. */
    private static String binlogEnd() throws Exception {
        try (Connection connection = stack.database().connectAsRoot(); Statement statement = connection.createStatement();
             ResultSet status = statement.executeQuery(BinlogStatus.statement(
                     connection.getMetaData().getDatabaseProductVersion()))) {
            assertThat(status.next()).isTrue();
            return status.getString("File") + ":" + status.getLong("Position");
        }
    }

    @Test
    void shouldAnswerAReadCarryingAConsistencyTokenFromTheDatabaseAtOnce() {
        JsonHttp command = new JsonHttp(stack.commandApiUrl()).as(stack.tokenFor(1));
        long article = command.post("/articles", toJson(Map.of("boardId", 4, "title", "before", "content", "x")))
                .json().get("articleId").asLong();
        KeyScheme namespace = new KeyScheme(stack.projectorConfig().namespace());
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            KeyScheme active = namespace.activeIn(stack.redis()).orElseThrow();
            assertThat(stack.redis().hget(active.meta(), "building")).as("built: readers use Redis").isEqualTo("0");
            assertThat(stack.redis().hget(BoardKeys.in(active).article(article), "title")).isEqualTo("before");
        });

        JsonHttp.Response written = command.put("/articles/" + article, toJson(Map.of("title", "after",
                "content", "x")));
        JsonHttp.Response read = new JsonHttp(stack.queryApiUrl()).send("GET", "/articles/" + article, null,
                "X-Consistency-Token", written.header("X-Consistency-Token"));

        // Kafka mode keeps no applied set: the projector could never confirm the token, so SQL answers without a wait
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.header("X-Served-From")).isEqualTo("database");
        assertThat(read.json().path("title").asText()).isEqualTo("after");
    }
}
