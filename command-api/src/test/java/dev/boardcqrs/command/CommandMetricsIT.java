package dev.boardcqrs.command;

import static dev.boardcqrs.embedded.JsonHttp.toJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.JsonHttp.Response;
import dev.boardcqrs.embedded.PrometheusText;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** command-api's GET /metrics: requests and errors counted by route template, never by raw path. */
class CommandMetricsIT {

    @Test
    void shouldCountRequestsAndErrorsByRouteTemplate() throws Exception {
        try (TestApp app = TestApp.start(Map.of("REDIS_NAMESPACE", "metrics"), 2)) {
            JsonHttp http = app.http().as(TestConfig.token(11));
            long articleId = http.post("/articles", toJson(Map.of("boardId", 5, "title", "t", "content", "c")))
                    .json().get("articleId").asLong();
            http.put("/articles/" + articleId, toJson(Map.of("title", "t2", "content", "c2")));
            http.put("/articles/999999999", toJson(Map.of("title", "t2", "content", "c2")));
            http.put("/articles/" + articleId, "{not json");
            http.get("/no/such/route/" + articleId);

            Response metrics = app.http().get("/metrics");
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.header("Content-Type")).startsWith("text/plain");
            String scrape = metrics.body();
            String route = "/articles/{articleId}";
            assertThat(PrometheusText.sum(scrape, "http_server_requests_seconds_count",
                    Map.of("route", "/articles", "method", "POST", "status", "201"))).isEqualTo(1);
            assertThat(PrometheusText.sum(scrape, "http_server_requests_seconds_count",
                    Map.of("route", route, "method", "PUT"))).isEqualTo(3);
            assertThat(PrometheusText.sum(scrape, "http_server_errors_total",
                    Map.of("route", route, "status", "404"))).isEqualTo(1);
            assertThat(PrometheusText.sum(scrape, "http_server_errors_total",
                    Map.of("route", route, "status", "400"))).isEqualTo(1);
            assertThat(PrometheusText.sum(scrape, "http_server_requests_seconds_bucket",
                    Map.of("route", route, "le", "+Inf"))).as("a latency histogram").isEqualTo(3);
            assertThat(PrometheusText.labelValues(scrape, "http_server_requests_seconds_count", "route"))
                    .as("labels are templates; unknown paths share one")
                    .containsExactlyInAnyOrder("/articles", route, "unmatched")
                    .noneMatch(label -> label.contains(Long.toString(articleId)));
        }
    }
}
