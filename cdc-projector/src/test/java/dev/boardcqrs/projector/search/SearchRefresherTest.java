package dev.boardcqrs.projector.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.boardcqrs.common.search.SearchClient;
import dev.boardcqrs.common.search.SearchUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** When the refresher refreshes, seen through the requests it sends (what a refresh does is SearchStoreIT's). */
class SearchRefresherTest {

    /** Records each request with when it was sent; the first {@code failures} fail as an engine away would. */
    private static final class RecordingEngine implements SearchClient {
        record Request(long atNanos, String path) {
        }

        final List<Request> requests = new CopyOnWriteArrayList<>();
        final AtomicInteger failures;

        RecordingEngine(int failures) {
            this.failures = new AtomicInteger(failures);
        }

        @Override
        public Optional<JsonNode> get(String path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonNode send(String method, String path, Object body) {
            requests.add(new Request(System.nanoTime(), method + " " + path));
            if (failures.getAndDecrement() > 0) {
                throw new SearchUnavailableException("engine away", null);
            }
            return JsonNodeFactory.instance.objectNode();
        }

        @Override
        public JsonNode bulk(String path, List<Object> lines) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void shouldRefreshAWriteAfterAQuietSpellAtOnceNotAfterAnInterval() {
        RecordingEngine engine = new RecordingEngine(0);
        try (SearchRefresher refresher = new SearchRefresher(engine, Duration.ofHours(1)).start()) {
            refresher.written(List.of("ns-articles-g1"));

            await().atMost(Duration.ofSeconds(5)).until(() -> engine.requests.size() == 1);
            assertThat(engine.requests.get(0).path()).isEqualTo("POST /ns-articles-g1/_refresh?ignore_unavailable=true");
        }
    }

    @Test
    void shouldGatherTheWritesOfAnIntervalIntoOneRefreshAnIntervalAfterTheLastStarted() throws Exception {
        RecordingEngine engine = new RecordingEngine(0);
        Duration interval = Duration.ofMillis(500);
        try (SearchRefresher refresher = new SearchRefresher(engine, interval).start()) {
            refresher.written(List.of("a"));
            await().atMost(Duration.ofSeconds(5)).until(() -> engine.requests.size() == 1);
            refresher.written(List.of("b"));
            refresher.written(List.of("c", "b"));

            await().atMost(Duration.ofSeconds(5)).until(() -> engine.requests.size() == 2);
            Thread.sleep(2 * interval.toMillis());
            assertThat(engine.requests).hasSize(2);
            assertThat(engine.requests.get(1).path()).isEqualTo("POST /b,c/_refresh?ignore_unavailable=true");
            // an interval after the first refresh started, which was a moment before its request was recorded
            assertThat(engine.requests.get(1).atNanos() - engine.requests.get(0).atNanos())
                    .isGreaterThanOrEqualTo(interval.toNanos() * 9 / 10);
        }
    }

    @Test
    void shouldRefreshAgainAfterAFailedRefresh() {
        RecordingEngine engine = new RecordingEngine(1);
        try (SearchRefresher refresher = new SearchRefresher(engine, Duration.ofMillis(50)).start()) {
            refresher.written(List.of("a"));

            await().atMost(Duration.ofSeconds(5)).until(() -> engine.requests.size() == 2);
            assertThat(engine.requests.get(1).path()).isEqualTo(engine.requests.get(0).path());
        }
    }
}
