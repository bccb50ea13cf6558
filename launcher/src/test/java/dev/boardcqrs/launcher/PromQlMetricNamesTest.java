package dev.boardcqrs.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlMetricNamesTest {

    @Test
    void shouldFindTheMetricsOfAnExpressionButNotItsFunctionsLabelsOrKeywords() {
        assertThat(PromQlMetricNames.of("up{job=\"cdc-projector\"} == 0 or max by (instance) (projector_failed) == 1"))
                .containsExactly("projector_failed", "up");
        assertThat(PromQlMetricNames.of(
                "histogram_quantile(0.99, sum by (service, le) (rate(http_server_requests_seconds_bucket[5m])))"))
                .containsExactly("http_server_requests_seconds_bucket");
        assertThat(PromQlMetricNames.of("max(a_done) / clamp_min(max(a_total), 1) > bool 0.5 unless on(x) b offset 5m"))
                .containsExactly("a_done", "a_total", "b");
        assertThat(PromQlMetricNames.of("sum(rate(x_total{status=~\"5..\", route=\"/a{b}\"}[1m])) > 1e3"))
                .containsExactly("x_total");
    }
}
