package dev.boardcqrs.projector.search;

import dev.boardcqrs.common.search.SearchClient;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes what the search stores wrote searchable, on a thread of its own: refreshes the indices written since its
 * last refresh, at once when the last one started an interval or more ago, else when an interval has passed since
 * it started. So a write after a quiet spell is searchable after one refresh, and under steady writes the indices
 * are refreshed once per interval, never more often, and not at all while nothing is written.
 * <p>
 * The engine's own schedule ({@code index.refresh_interval}, 1 s by default) counts its interval from the end of the
 * last refresh and takes no notice of writes: on two cores a refresh came every 1.1-1.2 s under steady writes and a
 * lone write waited for the next turn, so commit-to-searchable p99 was 1.7-1.9 s (bench/results). The indices keep a
 * slow schedule of the engine's own ({@link #ENGINE_INTERVAL}) only for writes nobody asked to refresh: those of a
 * projector that died before its refresher came round.
 */
public final class SearchRefresher implements AutoCloseable {
    /** The engine's own refresh interval for the projector's indices: a backstop, see above. */
    public static final String ENGINE_INTERVAL = "30s";
    private static final Logger log = LoggerFactory.getLogger(SearchRefresher.class);

    private final SearchClient client;
    private final long intervalNanos;
    private final Set<String> written = new LinkedHashSet<>(); // guarded by this
    private final Thread thread;

    /** Unstarted, it only collects what was written (tests that refresh for themselves). */
    public SearchRefresher(SearchClient client, Duration interval) {
        this.client = client;
        this.intervalNanos = interval.toNanos();
        this.thread = new Thread(this::run, "search-refresher");
        thread.setDaemon(true);
    }

    public SearchRefresher start() {
        thread.start();
        return this;
    }

    /** {@code indices} have writes that should become searchable. */
    synchronized void written(Collection<String> indices) {
        written.addAll(indices);
        notifyAll();
    }

    private void run() {
        long lastStarted = System.nanoTime() - intervalNanos;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                List<String> indices = nextTurn(lastStarted);
                lastStarted = System.nanoTime();
                refresh(indices);
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** Waits for writes and for the interval since the last refresh started; answers the indices written. */
    private synchronized List<String> nextTurn(long lastStarted) throws InterruptedException {
        while (written.isEmpty()) {
            wait();
        }
        long left;
        while ((left = lastStarted + intervalNanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        List<String> indices = List.copyOf(written);
        written.clear();
        return indices;
    }

    private void refresh(List<String> indices) {
        try {
            // an index retired meanwhile (a rebuild took over) is skipped, not an error
            client.send("POST", "/" + String.join(",", indices) + "/_refresh?ignore_unavailable=true", null);
        } catch (RuntimeException e) {
            if (!Thread.currentThread().isInterrupted()) {
                log.warn("refreshing the search indices {} failed, trying again in {} ms: {}", indices,
                        TimeUnit.NANOSECONDS.toMillis(intervalNanos), e.toString());
                written(indices);
            }
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
