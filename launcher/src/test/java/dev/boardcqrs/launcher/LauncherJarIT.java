package dev.boardcqrs.launcher;

import static dev.boardcqrs.embedded.JsonHttp.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SharedServers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's run command, as a person runs it: the packaged launcher jar in its own JVM. It must print one
 * line per endpoint, carry an article from command-api to query-api and a comment written with plain SQL to the
 * article's commentCount within a second, then stop cleanly on SIGTERM, exit code 0.
 */
class LauncherJarIT {

    @Test
    void shouldPrintItsEndpointsAndCarryAWriteToTheQueryApi() throws Exception {
        Path jar = Path.of("target", "launcher.jar");
        assertThat(jar).as("run after `mvn package`").exists();
        StackProcess launcher = StackProcess.start(TestStacks.withDatabase(
                Map.of("COMMAND_API_PORT", "0", "QUERY_API_PORT", "0", "PROJECTOR_PORT", "0")), "-jar", jar.toString());
        Process process = launcher.process();
        Map<String, String> endpoints = launcher.endpoints();
        AssertionError failed = null;
        try {
            // the embedded OpenSearch node alone took 10 to 60 s to start on a shared 2-vCPU machine
            await().atMost(Duration.ofSeconds(240)).until(() -> endpoints.keySet().containsAll(
                    List.of("command-api", "query-api", "database", "redis", "search", "token-user-1"))
                    || !process.isAlive());
            assertThat(process.isAlive()).as("launcher is running").isTrue();
            assertThat(endpoints.get("command-api")).matches("http://127\\.0\\.0\\.1:\\d+");
            assertThat(endpoints.get("database")).matches("jdbc:" + SharedServers.databaseKind().id()
                    + "://127\\.0\\.0\\.1:\\d+/board\\?user=root");
            assertThat(endpoints.get("redis")).matches("redis://127\\.0\\.0\\.1:\\d+");
            assertThat(endpoints.get("search")).matches("http://127\\.0\\.0\\.1:\\d+");

            long articleId = new JsonHttp(endpoints.get("command-api")).as(endpoints.get("token-user-1")).post("/articles",
                    toJson(Map.of("boardId", 1, "title", "round trip", "content", "c")))
                    .json().get("articleId").asLong();
            JsonHttp query = new JsonHttp(endpoints.get("query-api"));
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(query.get("/articles/" + articleId).json().path("title").asText()).isEqualTo("round trip"));
            // searchable too, through the node the launcher started in a JVM of its own
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
                    query.get("/search/articles?q=round").json().path("articles").path(0).path("articleId").asLong())
                    .isEqualTo(articleId));

            // the README's promise: a comment written with a plain SQL client shows in query-api within a second
            try (Connection sql = DriverManager.getConnection(endpoints.get("database"));
                 Statement statement = sql.createStatement()) {
                statement.execute("INSERT INTO comment (article_id, writer_id, content) VALUES (" + articleId + ", 9, 'by hand')");
            }
            await().atMost(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(query.get("/articles/" + articleId).json().path("commentCount").asLong()).isEqualTo(1));
        } catch (AssertionError e) {
            failed = e;
            throw e;
        } finally {
            // SIGTERM, like docker stop; unlike Process.destroy(), it leaves the pipe open that echoes the stack's
            // warnings and errors on its way down into this test's report
            process.toHandle().destroy();
            try {
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s of SIGTERM").isTrue();
                assertThat(process.exitValue()).as("a requested stop is not a failure").isZero();
            } catch (AssertionError stop) {
                if (failed == null) {
                    throw stop;
                }
                failed.addSuppressed(stop); // the first failure is the one to read
            }
        }
    }
}
