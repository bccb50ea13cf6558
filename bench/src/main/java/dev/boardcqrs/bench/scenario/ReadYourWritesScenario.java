package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.bench.load.HttpConnection;
import dev.boardcqrs.bench.report.Results;
import dev.boardcqrs.bench.report.Section;
import dev.boardcqrs.bench.report.TargetCheck;
import dev.boardcqrs.common.consistency.ReadYourWrites;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Read your own writes under load: while plain SQL writes run at the highest of BENCH_WRITE_RATES (1,000 a second
 * by default; the freshness scenario's load),
 * a few clients write through command-api (an article's title) and read the article back at once from query-api,
 * every other time with the write's X-Consistency-Token: the read's latency with and without the token, and how
 * many reads did not show the write.
 */
public final class ReadYourWritesScenario implements Scenario {
    private static final int CLIENTS = 4;

    @Override
    public String name() {
        return "readyourwrites";
    }

    @Override
    public void run(BenchContext context, Results results) throws Exception {
        int rate = context.config().writeRates().stream().mapToInt(Integer::intValue).max().orElse(1000);
        Section section = results.add(Section.of(name(), "Read your own writes: a write through command-api, then "
                + "at once a read of it from query-api, at " + rate + " background writes/s", "read", "pairs",
                "p50 ms", "p99 ms", "max ms", "stale", "from the database"));
        Duration duration = context.config().freshnessDuration();
        Pairs withToken = new Pairs();
        Pairs withoutToken = new Pairs();
        List<Thread> clients = new ArrayList<>();
        Duration warmup = context.config().warmup();
        long measureFrom = System.nanoTime() + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            Thread thread = new Thread(() -> pairs(context, client, measureFrom, end, withToken, withoutToken),
                    "ryw-client-" + c);
            clients.add(thread);
        }
        clients.forEach(Thread::start);
        WriteLoad.Written background = new WriteLoad(context.stack().database(), context.data(), "ryw")
                .run(rate, warmup, duration, (articleId, title, committedAtNanos) -> { });
        for (Thread thread : clients) {
            thread.join();
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("backgroundWritesPerSecond", background.ratePerSecond());
        data.put("withToken", withToken.row(section, "with the token"));
        data.put("withoutToken", withoutToken.row(section, "without"));
        section.put("measurements", data)
                .note("Background: single-row UPDATEs with plain SQL at " + rate + "/s (achieved "
                        + String.format("%.0f", background.ratePerSecond()) + "/s). " + CLIENTS + " clients each "
                        + "update an article of their own through command-api (PUT /articles/{id}) and read it at "
                        + "once (GET /articles/{id}), alternately with and without the answer's X-Consistency-Token; "
                        + "latency is the read's alone, through the harness' keep-alive client; stale: the read did "
                        + "not show the title just written. Pairs of the first " + warmup.toMillis() + " ms "
                        + "(BENCH_WARMUP) are not counted.");
        if (rate == 1000) {
            results.target(TargetCheck.atMost("read with token p50 <= 5 ms at 1,000 writes/s",
                    withToken.percentile(0.5), 5, " ms"));
            results.target(TargetCheck.atMost("read with token p99 <= 25 ms at 1,000 writes/s",
                    withToken.percentile(0.99), 25, " ms"));
        }
    }

    /**
     * Write-then-read pairs of one client until {@code end}, every other one with the token; those before
     * {@code measureFrom} (the warm-up) are not counted.
     */
    private static void pairs(BenchContext context, int client, long measureFrom, long end, Pairs withToken,
                              Pairs withoutToken) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // the measured read goes through the harness' own light client, as every other read of the harness: on two
        // cores java.net.http's own CPU per request would be measured with it
        HttpConnection query = new HttpConnection("127.0.0.1", context.queryApiPort());
        String bearer = "Bearer " + context.stack().tokenFor(1);
        try {
            String created = send(http, HttpRequest.newBuilder(URI.create(context.stack().commandApiUrl() + "/articles"))
                    .header("Authorization", bearer).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"boardId\":1,\"title\":\"ryw\",\"content\":\"pairs\"}"))).body();
            long articleId = Long.parseLong(created.replaceAll(".*\"articleId\":(\\d+).*", "$1"));
            for (int i = 0; System.nanoTime() < end; i++) {
                String title = "ryw-" + client + "-" + i;
                HttpResponse<String> written = send(http, HttpRequest.newBuilder(
                                URI.create(context.stack().commandApiUrl() + "/articles/" + articleId))
                        .header("Authorization", bearer).PUT(HttpRequest.BodyPublishers.ofString(
                                "{\"title\":\"" + title + "\",\"content\":\"pairs\"}")));
                boolean token = i % 2 == 0;
                Map<String, String> headers = token ? Map.of(ReadYourWrites.TOKEN_HEADER,
                        written.headers().firstValue(ReadYourWrites.TOKEN_HEADER).orElseThrow()) : Map.of();
                long started = System.nanoTime();
                HttpConnection.Response answer = query.get("/articles/" + articleId, headers);
                double millis = (System.nanoTime() - started) / 1e6;
                if (answer.status() != 200) {
                    throw new IllegalStateException("GET /articles/" + articleId + " answered " + answer.status()
                            + ": " + answer.body());
                }
                boolean fromDatabase = answer.headers()
                        .containsKey(ReadYourWrites.SERVED_FROM_HEADER.toLowerCase(Locale.ROOT));
                if (started < measureFrom) {
                    continue;
                }
                (token ? withToken : withoutToken).add(millis, !answer.body().contains("\"title\":\"" + title + "\""),
                        fromDatabase);
            }
        } catch (Exception e) {
            throw new IllegalStateException("read-your-writes client " + client + " failed", e);
        } finally {
            query.close();
        }
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(response.statusCode() + " " + response.body());
        }
        return response;
    }

    /** Read latencies and outcomes of one kind of pair, from every client. */
    private static final class Pairs {
        private final List<Double> millis = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger stale = new AtomicInteger();
        private final AtomicInteger fromDatabase = new AtomicInteger();

        void add(double latency, boolean wasStale, boolean database) {
            millis.add(latency);
            if (wasStale) {
                stale.incrementAndGet();
            }
            if (database) {
                fromDatabase.incrementAndGet();
            }
        }

        double percentile(double fraction) {
            return Stats.percentile(List.copyOf(millis), fraction);
        }

        Map<String, Object> row(Section section, String kind) {
            List<Double> all = List.copyOf(millis);
            double max = all.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            section.row(kind, all.size(), percentile(0.5), percentile(0.99), max, stale.get(), fromDatabase.get());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("pairs", all.size());
            row.put("p50Ms", percentile(0.5));
            row.put("p99Ms", percentile(0.99));
            row.put("maxMs", max);
            row.put("stale", stale.get());
            row.put("staleShare", all.isEmpty() ? Double.NaN : (double) stale.get() / all.size());
            row.put("fromDatabase", fromDatabase.get());
            return row;
        }
    }
}
