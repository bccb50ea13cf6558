package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.bench.load.HttpConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures commit-to-visible in query-api: for each sampled write, a poller asks GET /articles/{id} at first every
 * quarter millisecond until the answer carries the new title, or a title a later write of the same load gave
 * the article (that state includes the write too: the projector may apply both in one batch, and then the
 * earlier title is never in Redis). The lag is from the commit returning to the first answer that shows it.
 * <p>
 * The pause between asks grows with the time already waited (a fiftieth of it, at most {@link #MAX_PAUSE_NANOS}), so a
 * lag is measured to about 2% and pollers that wait long do not take the cores from what they measure: asking every
 * quarter millisecond whatever the lag, eight pollers behind a lagging Kafka-mode stack (and query-api answering
 * them) took about half a core of the two, and the lag they measured fed itself.
 */
final class QueryApiObserver implements WriteLoad.Observer, AutoCloseable {
    private static final int POLLERS = 8;
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long MIN_PAUSE_NANOS = 250_000;
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final int port;
    private final AtomicInteger threadNumber = new AtomicInteger();
    private final ExecutorService pollers = Executors.newFixedThreadPool(POLLERS,
            runnable -> new Thread(runnable, "freshness-poller-" + threadNumber.incrementAndGet()));
    private final ThreadLocal<HttpConnection> connections;
    private final List<Double> lagsMs = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong notSeen = new AtomicLong();

    QueryApiObserver(int port) {
        this.port = port;
        this.connections = ThreadLocal.withInitial(() -> new HttpConnection("127.0.0.1", this.port));
    }

    @Override
    public void committed(long articleId, String title, long committedAtNanos) {
        pollers.execute(() -> poll(articleId, title, committedAtNanos));
    }

    private void poll(long articleId, String title, long committedAtNanos) {
        HttpConnection http = connections.get();
        while (System.nanoTime() - committedAtNanos < GIVE_UP_NANOS) {
            try {
                if (showsOrLater(http.get("/articles/" + articleId).body(), title)) {
                    lagsMs.add((System.nanoTime() - committedAtNanos) / 1e6);
                    return;
                }
            } catch (IOException e) {
                http.close();
            }
            LockSupport.parkNanos(pause(System.nanoTime() - committedAtNanos));
        }
        notSeen.incrementAndGet();
    }

    /** How long to wait before asking again, {@code waited} after the commit. */
    static long pause(long waited) {
        return Math.max(MIN_PAUSE_NANOS, Math.min(MAX_PAUSE_NANOS, waited / 50));
    }

    /**
     * Whether an article's JSON carries {@code title} ("fresh-RUN-N") or one of the same run with a higher N,
     * which a later write of this load gave it.
     */
    static boolean showsOrLater(String json, String title) {
        int dash = title.lastIndexOf('-');
        String field = "\"title\":\"" + title.substring(0, dash + 1);
        int at = json.indexOf(field);
        if (at < 0) {
            return false;
        }
        int from = at + field.length();
        int to = json.indexOf('"', from);
        try {
            return to > from && Long.parseLong(json.substring(from, to)) >= Long.parseLong(title.substring(dash + 1));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Waits for the pollers to finish and returns the lags. */
    Lags finish(Duration timeout) throws InterruptedException {
        pollers.shutdown();
        if (!pollers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("freshness pollers still busy after " + timeout.toSeconds() + " s");
        }
        return new Lags(List.copyOf(lagsMs), notSeen.get());
    }

    @Override
    public void close() {
        pollers.shutdownNow();
    }
}
