package dev.boardcqrs.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.boardcqrs.common.web.OpenApiContract;
import dev.boardcqrs.embedded.JsonHttp.Response;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * command-api's OpenAPI document describes exactly the routes of its Javalin router, and is what GET /openapi.json
 * serves. That every answer fits the document is checked by the other API tests: their clients come from TestApp.
 */
class ApiContractIT {
    private static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of(), 1);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void shouldDescribeEveryRouteOfTheRouterAndNoOther() {
        Set<String> routes = OpenApiContract.routesOf(app.javalin());

        assertThat(routes).contains("POST /articles", "GET /metrics");
        assertThat(TestApp.CONTRACT.operations()).isEqualTo(routes);
    }

    @Test
    void shouldServeTheDocumentItsAnswersAreCheckedAgainst() throws Exception {
        Response response = app.http().get("/openapi.json");

        assertThat(response.status()).isEqualTo(200);
        try (InputStream resource = getClass().getClassLoader().getResourceAsStream("openapi/command-api.json")) {
            assertThat(response.json()).isEqualTo(new ObjectMapper().readTree(resource));
        }
        assertThat(response.json().path("openapi").asText()).isEqualTo("3.1.0");
    }
}
