package dev.boardcqrs.common.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contract check that every command-api test answer goes through, on a small document of its own. */
class OpenApiContractTest {
    private static final OpenApiContract CONTRACT = OpenApiContract.load("openapi/contract-test.json");
    private static final Map<String, List<String>> JSON = Map.of("content-type", List.of("application/json;charset=utf-8"));

    @Test
    void shouldListEveryOperationOfTheDocument() {
        assertThat(CONTRACT.operations()).containsExactly("DELETE /things/{thingId}", "GET /things/special",
                "GET /things/{thingId}");
    }

    @Test
    void shouldAcceptAnswersTheDocumentDescribes() {
        assertThatCode(() -> {
            CONTRACT.check("GET", "/things/7", 200, JSON, "{\"thingId\":7,\"name\":null}");
            CONTRACT.check("GET", "/things/7?x=1", 401, Map.of("Content-Type", List.of("application/json"),
                    "WWW-Authenticate", List.of("Bearer")), "{\"error\":\"a bearer token is required\"}");
            CONTRACT.check("DELETE", "/things/7", 204, Map.of(), "");
            CONTRACT.check("GET", "/things/special", 200, Map.of("content-type", List.of("text/plain")), "anything");
            CONTRACT.check("POST", "/things/7", 404, JSON, "{\"error\":\"no such endpoint: POST /things/7\"}");
        }).doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseAStatusTheOperationDoesNotList() {
        assertThatThrownBy(() -> CONTRACT.check("GET", "/things/7", 500, JSON, "{\"error\":\"internal error\"}"))
                .isInstanceOf(AssertionError.class).hasMessageStartingWith("GET /things/{thingId} does not list status 500");
    }

    @Test
    void shouldRefuseABodyThatBreaksTheSchema() {
        assertThatThrownBy(() -> CONTRACT.check("GET", "/things/7", 200, JSON, "{\"thingId\":0,\"name\":\"x\",\"extra\":1}"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("answer breaks the document")
                .hasMessageContaining("thingId").hasMessageContaining("extra");
        assertThatThrownBy(() -> CONTRACT.check("GET", "/things/7", 200, JSON, "not json"))
                .isInstanceOf(AssertionError.class).hasMessageStartingWith("body is not JSON");
    }

    @Test
    void shouldRefuseAMissingRequiredHeaderAndAnotherContentType() {
        assertThatThrownBy(() -> CONTRACT.check("GET", "/things/7", 401, JSON, "{\"error\":\"no\"}"))
                .isInstanceOf(AssertionError.class).hasMessageStartingWith("header WWW-Authenticate is required");
        assertThatThrownBy(() -> CONTRACT.check("GET", "/things/7", 200, Map.of("content-type", List.of("text/html")),
                "{\"thingId\":7,\"name\":\"x\"}"))
                .isInstanceOf(AssertionError.class).hasMessageStartingWith("Content-Type 'text/html' is not one of");
        assertThatThrownBy(() -> CONTRACT.check("DELETE", "/things/7", 204, Map.of(), "{}"))
                .isInstanceOf(AssertionError.class).hasMessageStartingWith("the document lists no body");
    }

    @Test
    void shouldRequireA404ErrorForRequestsNoOperationMatches() {
        assertThatThrownBy(() -> CONTRACT.check("GET", "/nothing", 200, JSON, "{}"))
                .isInstanceOf(AssertionError.class).hasMessageStartingWith("no operation of the document matches");
        assertThatThrownBy(() -> CONTRACT.check("GET", "/nothing", 404, JSON, "{\"message\":\"x\"}"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("answer breaks the document");
    }
}
