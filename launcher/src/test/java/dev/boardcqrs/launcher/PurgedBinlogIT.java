package dev.boardcqrs.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.embedded.DatabaseKind;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.projector.apply.ProjectorStatus;
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
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The projector was stopped and the server purged the binlog it would resume from: it must say so in one line
 * naming the command that rebuilds, refuse to look healthy, and be fixed by that command. Its own stack,
 * because purging binlogs would break other tests' positions.
 */
class PurgedBinlogIT {
    private static final Duration WITHIN = Duration.ofSeconds(60);

    private static DevStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = TestStacks.start(Map.of("COMMAND_API_PORT", "0", "QUERY_API_PORT", "0", "PROJECTOR_PORT", "0"));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void shouldStopWithOneLineNamingTheRebuildAndRecoverWhenItRuns() throws Exception {
        long article = stack.database().insert("INSERT INTO article (board_id, writer_id, title, content) VALUES (1, 1, 't', 'c')");
        stack.database().insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 1, 'one')", article);
        JsonHttp query = new JsonHttp(stack.queryApiUrl());
        await().atMost(WITHIN).ignoreExceptions().untilAsserted(() ->
                assertThat(query.get("/articles/" + article).json().get("commentCount").asLong()).isEqualTo(1));

        stack.projector().close();
        stack.database().insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 1, 'while stopped')", article);
        purgeAllButTheNewestBinlog();
        stack.restartProjector();

        JsonHttp projector = new JsonHttp("http://127.0.0.1:" + stack.projector().port());
        await().atMost(WITHIN).untilAsserted(() -> assertThat(projector.get("/health").status()).isEqualTo(503));
        String health = projector.get("/health").body();
        assertThat(health).contains("purged").contains("cdc-projector.jar rebuild").doesNotContain("\n");

        ByteArrayOutputStream output = new ByteArrayOutputStream();
        OperatorCommands commands = new OperatorCommands(stack.projectorConfig(), new JedisProjectorRedis(stack.redis()),
                new PrintStream(output, true, StandardCharsets.UTF_8), "http://127.0.0.1:" + stack.projector().port());
        assertThat(commands.run("rebuild")).as(output.toString(StandardCharsets.UTF_8)).isZero();

        assertThat(projector.get("/health").status()).as("healthy once the rebuilt generation serves").isEqualTo(200);
        assertThat(query.get("/articles/" + article).json().get("commentCount").asLong()).isEqualTo(2);
        stack.database().insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 1, 'after')", article);
        await().atMost(WITHIN).untilAsserted(() ->
                assertThat(query.get("/articles/" + article).json().get("commentCount").asLong()).isEqualTo(3));
    }

    /**
     * MySQL's connector resumes by GTID set, and a server can hold a binlog file yet have purged transactions the
     * set lacks (here added to gtid_purged, as restoring another server's backup does): the connector finds
     * that, and the projector must stop the same way, naming the rebuild.
     */
    @Test
    void shouldStopOnMySqlWhenTheServerPurgedTransactionsItNeverApplied() throws Exception {
        Assumptions.assumeTrue(stack.database().kind() == DatabaseKind.MYSQL, "GTIDs in gtid_purged are MySQL's");
        stack.database().insert("INSERT INTO article (board_id, writer_id, title, content) VALUES (2, 1, 't', 'c')");
        // streaming, so its offsets hold a GTID set (query-api answers from SQL already while the snapshot runs)
        await().atMost(WITHIN).until(() -> stack.projector().status().state() == ProjectorStatus.State.STREAMING);

        stack.stopProjector();
        stack.database().execute("SET @@GLOBAL.gtid_purged = '+" + UUID.randomUUID() + ":1-5'");
        stack.startProjectorAgain();

        JsonHttp projector = new JsonHttp("http://127.0.0.1:" + stack.projector().port());
        await().atMost(WITHIN).untilAsserted(() -> assertThat(projector.get("/health").status()).isEqualTo(503));
        assertThat(projector.get("/health").body()).contains("purged").contains("cdc-projector.jar rebuild");

        ByteArrayOutputStream output = new ByteArrayOutputStream();
        OperatorCommands commands = new OperatorCommands(stack.projectorConfig(), new JedisProjectorRedis(stack.redis()),
                new PrintStream(output, true, StandardCharsets.UTF_8), "http://127.0.0.1:" + stack.projector().port());
        assertThat(commands.run("rebuild")).as(output.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(projector.get("/health").status()).isEqualTo(200);
    }

    private static void purgeAllButTheNewestBinlog() throws Exception {
        try (Connection connection = stack.database().connectAsRoot(); Statement statement = connection.createStatement()) {
            statement.execute("FLUSH BINARY LOGS");
            // the server keeps a file while the stopped projector's dump thread still holds it: try until gone
            await().atMost(WITHIN).pollInterval(Duration.ofMillis(200)).until(() -> {
                List<String> files = new ArrayList<>();
                try (ResultSet logs = statement.executeQuery("SHOW BINARY LOGS")) {
                    while (logs.next()) {
                        files.add(logs.getString(1));
                    }
                }
                statement.execute("PURGE BINARY LOGS TO '" + files.get(files.size() - 1) + "'");
                return files.size() == 1;
            });
        }
    }
}
