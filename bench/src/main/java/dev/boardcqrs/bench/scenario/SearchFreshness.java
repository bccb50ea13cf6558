package dev.boardcqrs.bench.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.boardcqrs.bench.ChildCpu;
import dev.boardcqrs.bench.data.Dataset;
import dev.boardcqrs.bench.data.Vocabulary;
import dev.boardcqrs.bench.load.HttpConnection;
import dev.boardcqrs.embedded.PrometheusText;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Commit-to-searchable: plain SQL writes at a steady rate, alternately a new article and a title update of an
 * existing one (each article at most once a run), every one with the run's word in its title, and the time from the
 * commit returning until GET /search/articles?q=RUNWORD counts it.
 * <p>
 * One writer connection, so the binlog holds the writes in the order they were made; the projector writes them to
 * the index in that order, and a refresh makes all it had written searchable at once: what a search finds is always
 * the first N writes. So one poller asking for the run's word every {@value #POLL_MILLIS} ms learns from the total
 * which writes became searchable, with one search per poll whatever the backlog. (Asking for each write's own word,
 * one after another, could not keep up at 100 writes/s: a search took about 25 ms on the loaded machine.)
 */
final class SearchFreshness {
    static final int POLL_MILLIS = 10;
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What one run measured; CPU and refreshes are per second of the run, and the projector's batches (to Redis and
     * the search engine) are counted with their mean time until every store had them, from its /metrics.
     */
    record Measured(Lags lags, long writes, double ratePerSecond, double nodeCpuPerSecond,
                    double refreshesPerSecond, double millisPerRefresh, double projectorBatches,
                    double millisPerBatch, double pollMillis) {
    }

    /** The writes of one run so far: when each one's commit returned, in the order they were made. */
    private static final class Written {
        private final long[] committedAtNanos;
        private final AtomicInteger count = new AtomicInteger();
        private volatile boolean done;

        Written(int most) {
            this.committedAtNanos = new long[most];
        }

        void add(long committedAt) {
            committedAtNanos[count.get()] = committedAt;
            count.incrementAndGet(); // publishes the time written before it
        }
    }

    private final BenchContext context;
    private final ArticleIndex index;

    SearchFreshness(BenchContext context, ArticleIndex index) {
        this.context = context;
        this.index = index;
    }

    /** Writes at {@code ratePerSecond} for {@code duration}; {@code run} keeps the words and articles of runs apart. */
    Measured run(int run, int ratePerSecond, Duration duration) throws Exception {
        Written written = new Written((int) (ratePerSecond * duration.toMillis() / 1000) + 1);
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                write(run, ratePerSecond, duration, written);
            } catch (Exception e) {
                failure.set(e);
            } finally {
                written.done = true;
            }
        }, "search-freshness-writer");
        double[] batchesBefore = projectorBatches();
        double cpuBefore = ChildCpu.seconds(ChildCpu.SEARCH_NODE);
        ArticleIndex.RefreshStats refreshesBefore = index.refreshStats();
        long started = System.nanoTime();
        writer.start();
        List<Double> polls = new ArrayList<>();
        Lags lags = poll(runWord(run), written, polls);
        writer.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double[] batchesAfter = projectorBatches();
        double batches = batchesAfter[0] - batchesBefore[0];
        ArticleIndex.RefreshStats refreshesAfter = index.refreshStats();
        long refreshes = refreshesAfter.total() - refreshesBefore.total();
        return new Measured(lags, written.count.get(), written.count.get() * 1e9 / duration.toNanos(),
                (ChildCpu.seconds(ChildCpu.SEARCH_NODE) - cpuBefore) / seconds,
                refreshes / seconds,
                refreshes == 0 ? Double.NaN : (double) (refreshesAfter.millis() - refreshesBefore.millis()) / refreshes,
                batches,
                batches == 0 ? Double.NaN : (batchesAfter[1] - batchesBefore[1]) * 1e3 / batches,
                Stats.median(polls));
    }

    /** One token for the engine's tokenizer (letters and digits), in no seeded article. */
    private static String runWord(int run) {
        return "fzr" + run;
    }

    /** The projector's batches so far and the seconds it took to apply them. */
    private double[] projectorBatches() throws IOException {
        try (HttpConnection http = new HttpConnection("127.0.0.1", context.stack().projector().port())) {
            String scrape = http.get("/metrics").body();
            return new double[] {PrometheusText.sum(scrape, "projector_batch_apply_seconds_count", Map.of()),
                    PrometheusText.sum(scrape, "projector_batch_apply_seconds_sum", Map.of())};
        }
    }

    private void write(int run, int ratePerSecond, Duration duration, Written written) throws SQLException {
        Dataset data = context.data();
        long half = data.coldArticles() / 2; // run 1 updates the first half of the cold articles, run 2 the rest
        long start = System.nanoTime() + 10_000_000;
        long end = start + duration.toNanos();
        try (Connection connection = context.stack().database().connectAsRoot();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO article (board_id, writer_id, "
                     + "title, content) VALUES (?, ?, ?, ?)");
             PreparedStatement update = connection.prepareStatement("UPDATE article SET title = ?, "
                     + "modified_at = CURRENT_TIMESTAMP(3) WHERE article_id = ?")) {
            for (long i = 0; ; i++) {
                long due = start + i * 1_000_000_000L / ratePerSecond;
                if (due >= end) {
                    return;
                }
                LockSupport.parkNanos(due - System.nanoTime());
                String title = "Fresh " + runWord(run) + " write " + i;
                long updated = (i - 1) / 2;
                if (i % 2 == 0 || updated >= half) { // inserts only once this run's articles to update are used
                    insert.setLong(1, 1 + i % data.boards());
                    insert.setLong(2, 1 + i % 1000);
                    insert.setString(3, title);
                    insert.setString(4, Vocabulary.FILLER + title + ".");
                    insert.executeUpdate();
                } else {
                    update.setString(1, title);
                    update.setLong(2, Dataset.coldId(((run - 1) * half + updated) % data.coldArticles()));
                    update.executeUpdate();
                }
                written.add(System.nanoTime());
            }
        }
    }

    /** Asks how many of the run's writes are searchable until all are, or the oldest missing one is too old. */
    /** {@code polls}: gets each search's duration, which bounds how exactly a lag is measured. */
    private Lags poll(String word, Written written, List<Double> polls) throws InterruptedException {
        List<Double> lags = new ArrayList<>();
        int found = 0;
        try (HttpConnection http = new HttpConnection("127.0.0.1", context.queryApiPort())) {
            while (!written.done || found < written.count.get()) {
                long asked = System.nanoTime();
                long searchable = total(http, word);
                long now = System.nanoTime();
                polls.add((now - asked) / 1e6);
                // a write can be searchable before its commit's answer reached the writer: counted once it did
                for (int visible = (int) Math.min(searchable, written.count.get()); found < visible; found++) {
                    lags.add((now - written.committedAtNanos[found]) / 1e6);
                }
                if (written.done && found < written.count.get()
                        && now - written.committedAtNanos[found] > GIVE_UP_NANOS) {
                    break;
                }
                Thread.sleep(POLL_MILLIS);
            }
        }
        return new Lags(lags, written.count.get() - found);
    }

    /** How many articles the search finds; -1 when it answers no 200. */
    private static long total(HttpConnection http, String word) {
        try {
            HttpConnection.Response answer = http.get("/search/articles?q=" + word + "&sort=recent&pageSize=1");
            return answer.status() == 200 ? JSON.readTree(answer.body()).path("total").asLong() : -1;
        } catch (IOException e) {
            http.close();
            return -1;
        }
    }
}
