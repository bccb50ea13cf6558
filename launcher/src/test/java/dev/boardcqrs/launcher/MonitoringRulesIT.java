package dev.boardcqrs.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.embedded.FreePort;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.query.QueryApiConfig;
import dev.boardcqrs.query.QueryApp;
import dev.boardcqrs.query.readthrough.QueryDatabase;
import dev.boardcqrs.query.readthrough.SqlArticleSource;
import io.javalin.Javalin;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus alert rules and the Grafana dashboard in ops/ name only metrics the running services export: a
 * renamed meter must not leave an alert that can never fire. The stack is driven until every meter the files watch
 * has appeared (meters with labels appear with their first value): a write streams events, a poison row makes a
 * dead letter and a projector error, a 404 an HTTP error, and a query-api on a database that is down a failed
 * read-through.
 */
class MonitoringRulesIT {
    private static final Path OPS = Path.of("..", "ops");
    /** Made by Prometheus for each scrape target, not by a service. */
    private static final Set<String> FROM_PROMETHEUS = Set.of("up");

    @Test
    void shouldNameInAlertsAndDashboardOnlyMetricsTheServicesExport() throws Exception {
        Set<String> named = new TreeSet<>(alertMetrics());
        named.addAll(dashboardMetrics());
        assertThat(named).contains("projector_lag_milliseconds", "projector_dead_letters", "projector_failed",
                "query_readthrough_errors_total", "up");

        Set<String> exported = new TreeSet<>(FROM_PROMETHEUS);
        try (DevStack stack = TestStacks.start(Map.of("COMMAND_API_PORT", "0", "QUERY_API_PORT", "0",
                "PROJECTOR_PORT", "0"))) {
            exported.addAll(exportedWhileEverythingHappens(stack));
        }
        assertThat(exported).containsAll(named);
    }

    private static Set<String> alertMetrics() throws IOException {
        JsonNode rules = new YAMLMapper().readTree(OPS.resolve("prometheus/alerts.yml").toFile());
        Set<String> names = new TreeSet<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                assertThat(rule.path("alert").asText()).as(rule.toString()).isNotBlank();
                assertThat(rule.path("labels").path("severity").asText()).as(rule.toString()).isIn("warning", "critical");
                names.addAll(PromQlMetricNames.of(rule.path("expr").asText()));
            }
        }
        assertThat(names).as("metrics of the alert rules").isNotEmpty();
        return names;
    }

    private static Set<String> dashboardMetrics() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(OPS.resolve("grafana/board-cqrs.json").toFile());
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                names.addAll(PromQlMetricNames.of(target.path("expr").asText()));
            }
        }
        assertThat(names).as("metrics of the dashboard").isNotEmpty();
        return names;
    }

    private static Set<String> exportedWhileEverythingHappens(DevStack stack) throws Exception {
        JsonHttp command = new JsonHttp(stack.commandApiUrl()).as(stack.tokenFor(1));
        JsonHttp query = new JsonHttp(stack.queryApiUrl());
        JsonHttp projector = new JsonHttp("http://127.0.0.1:" + stack.projector().port());
        long article = command.post("/articles", "{\"boardId\": 1, \"title\": \"t\", \"content\": \"c\"}").json()
                .path("articleId").asLong();
        // the schema change below must not meet the first snapshot: MySQL fails a snapshot's read of a table
        // whose definition changed under it ("Table definition has changed, please retry transaction"). The
        // article is applied after the snapshot or as its last row; either way the state is STREAMING then
        await().atMost(Duration.ofSeconds(60)).until(() ->
                "STREAMING".equals(projector.get("/status").json().path("state").asText()));
        // a comment the board model cannot take: another system made article_id optional
        stack.database().execute("ALTER TABLE comment MODIFY article_id BIGINT NULL");
        stack.database().insert("INSERT INTO comment (article_id, writer_id, content) VALUES (NULL, 2, 'orphan')");
        await().atMost(Duration.ofSeconds(60)).until(() -> projector.get("/status").json().path("deadLetters").asLong() > 0);
        assertThat(query.get("/articles/" + (article + 1000)).status()).isEqualTo(404);

        Set<String> exported = new TreeSet<>();
        exported.addAll(names(command.get("/metrics").body()));
        exported.addAll(names(query.get("/metrics").body()));
        exported.addAll(names(projector.get("/metrics").body()));
        exported.addAll(readThroughFailing(stack));
        return exported;
    }

    /** The metrics of a query-api whose database is down, after one read it could not answer. */
    private static Set<String> readThroughFailing(DevStack stack) {
        QueryApiConfig nowhere = QueryApiConfig.fromEnv(new Env(Map.of("QUERY_API_PORT", "0",
                "REDIS_URL", stack.redisUrl(), "READ_THROUGH_TIMEOUT", "300ms",
                "QUERY_DATABASE_URL", "jdbc:mariadb://127.0.0.1:" + FreePort.find() + "/board")));
        try (HikariDataSource deadPool = QueryDatabase.pool(nowhere)) {
            Javalin down = QueryApp.create(nowhere, stack.redis(), new SqlArticleSource(deadPool, Duration.ofMillis(300)))
                    .start();
            try {
                JsonHttp http = new JsonHttp("http://127.0.0.1:" + down.port());
                assertThat(http.get("/articles/987654321").status()).isEqualTo(503);
                return names(http.get("/metrics").body());
            } finally {
                down.stop();
            }
        }
    }

    /** The sample names of a Prometheus text exposition. */
    private static Set<String> names(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }
}
