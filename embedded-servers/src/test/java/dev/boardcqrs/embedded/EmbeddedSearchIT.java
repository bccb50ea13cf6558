package dev.boardcqrs.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddedSearchIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void nodeAnswersRestWithCjkBigramsAndEnglishStemmingAndLeavesNothingBehind() throws Exception {
        EmbeddedSearch search = EmbeddedSearch.start();
        try {
            JsonNode about = JSON.readTree(get(search.url() + "/").body());
            assertThat(about.path("version").path("number").asText()).isEqualTo("2.19.6");

            HttpResponse<String> analyzed = HTTP.send(HttpRequest.newBuilder(URI.create(search.url() + "/_analyze"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"tokenizer\":\"standard\",\"filter\":[\"lowercase\","
                            + "\"cjk_bigram\",{\"type\":\"stemmer\",\"language\":\"english\"}],"
                            + "\"text\":\"검색엔진을 Running\"}")).build(), HttpResponse.BodyHandlers.ofString());
            List<String> tokens = new ArrayList<>();
            JSON.readTree(analyzed.body()).path("tokens").forEach(token -> tokens.add(token.path("token").asText()));
            assertThat(tokens).as("analysis-common is loaded from the classpath").containsExactly(
                    "검색", "색엔", "엔진", "진을", "run");
        } finally {
            search.close();
        }
        assertThat(Files.exists(search.home())).as("its directory is removed").isFalse();
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
