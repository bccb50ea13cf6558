package dev.boardcqrs.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.JsonHttp.Response;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * query-api's OpenAPI document describes exactly the routes of its Javalin router, and is what GET /openapi.json
 * serves. That every answer fits the document is checked by the other API tests: their clients come from
 * {@link TestQueryApp}.
 */
class ApiContractIT {
    private static TestQueryApp app;
    private static JsonHttp http;

    @BeforeAll
    static void start() {
        app = TestQueryApp.start(Map.of("REDIS_NAMESPACE", "contract"));
        app.redis().set(new KeyScheme("contract").active(), "g1"); // as the projector does on its first start
        http = app.http();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void shouldDescribeEveryRouteOfTheRouterAndNoOther() {
        Set<String> routes = app.routes();

        assertThat(routes).contains("GET /articles/{articleId}", "GET /catalogs/tree", "GET /metrics");
        assertThat(TestQueryApp.CONTRACT.operations()).isEqualTo(routes);
    }

    @Test
    void shouldServeTheDocumentItsAnswersAreCheckedAgainst() throws Exception {
        Response response = http.get("/openapi.json");

        assertThat(response.status()).isEqualTo(200);
        try (InputStream resource = getClass().getClassLoader().getResourceAsStream("openapi/query-api.json")) {
            assertThat(response.json()).isEqualTo(new ObjectMapper().readTree(resource));
        }
        assertThat(response.json().path("openapi").asText()).isEqualTo("3.1.0");
    }

    @Test
    void shouldAnswerTheOperationsAndTheirErrorsAsDescribed() {
        // each answer is checked against the document by the client; the statuses say which case was met
        assertThat(http.get("/health").status()).isEqualTo(200);
        assertThat(http.get("/metrics").status()).isEqualTo(200);
        assertThat(http.get("/articles/0").status()).isEqualTo(400);
        assertThat(http.get("/boards/1/articles?pageSize=101").status()).isEqualTo(400);
        assertThat(http.get("/catalogs/987654321/products").status()).isEqualTo(404);
        assertThat(http.get("/no/such/route").status()).isEqualTo(404);
        assertThat(http.get("/search/articles?q=word").status()).as("search is off here").isEqualTo(404);
        assertThat(http.get("/catalogs/tree?after=not-a-token").status()).isEqualTo(400);
        assertThat(http.send("GET", "/articles/1", null, "X-Consistency-Token", "not-a-token").status()).isEqualTo(400);
    }
}
