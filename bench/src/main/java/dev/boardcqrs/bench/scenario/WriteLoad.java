package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.bench.data.Dataset;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes article title updates with plain SQL at a steady rate (or as fast as WRITERS connections can, for
 * rate 0) and hands a sample of them to an observer with their commit time, after a warm-up at the same rate
 * whose writes are neither sampled nor counted: the first writes after a start meet cold code (JIT, Lua scripts
 * loaded), which a steady-state figure leaves out. Sampled writes go to articles no
 * unsampled write touches, so a sampled title is only ever followed by a later sampled one, whose higher number
 * tells an observer that the earlier write is in too.
 */
final class WriteLoad {
    static final int WRITERS = 4;
    /** At most this many sampled writes per second, so observing stays light beside the load. */
    private static final int SAMPLES_PER_SECOND = 200;

    /** Learns of each sampled write right after its commit returned. */
    interface Observer {
        void committed(long articleId, String title, long committedAtNanos);
    }

    /** What was written: how many writes, at what rate, and the last sampled write. */
    record Written(long writes, double ratePerSecond, long lastArticleId, String lastTitle) {
    }

    private final EmbeddedDatabase database;
    private final Dataset data;
    private final String runId;

    WriteLoad(EmbeddedDatabase database, Dataset data, String runId) {
        this.database = database;
        this.data = data;
        this.runId = runId;
    }

    Written run(int ratePerSecond, Duration warmup, Duration duration, Observer observer) throws Exception {
        int sampleEvery = ratePerSecond == 0 ? 20 : Math.max(1, ratePerSecond / SAMPLES_PER_SECOND);
        long sampledArticles = Math.min(1000, data.coldArticles() / 2);
        long start = System.nanoTime() + 10_000_000;
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        AtomicLong writes = new AtomicLong();
        AtomicLong lastSample = new AtomicLong(-1);
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            Thread thread = new Thread(() -> {
                try (Connection connection = database.connectAsRoot();
                     PreparedStatement update = connection.prepareStatement("UPDATE article SET title = ? WHERE article_id = ?")) {
                    for (long i = writer; ; i += WRITERS) {
                        long due = ratePerSecond == 0 ? System.nanoTime() : start + i * 1_000_000_000L / ratePerSecond;
                        if (due >= end) {
                            return;
                        }
                        LockSupport.parkNanos(due - System.nanoTime());
                        boolean sampled = i % sampleEvery == 0;
                        long index = i / sampleEvery;
                        long articleId = sampled ? Dataset.coldId(index % sampledArticles)
                                : Dataset.coldId(sampledArticles + i % (data.coldArticles() - sampledArticles));
                        String title = "fresh-" + runId + "-" + i;
                        update.setString(1, title);
                        update.setLong(2, articleId);
                        update.executeUpdate();
                        long committed = System.nanoTime();
                        if (due < measureFrom) {
                            continue;
                        }
                        writes.incrementAndGet();
                        if (sampled) {
                            observer.committed(articleId, title, committed);
                            lastSample.accumulateAndGet(i, Math::max);
                        }
                    }
                } catch (SQLException e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "freshness-writer-" + w);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        double seconds = (System.nanoTime() - measureFrom) / 1e9;
        long last = lastSample.get();
        return new Written(writes.get(), writes.get() / seconds,
                Dataset.coldId((last / sampleEvery) % sampledArticles), "fresh-" + runId + "-" + last);
    }
}
