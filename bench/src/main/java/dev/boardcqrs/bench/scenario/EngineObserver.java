package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.bench.baseline.CountingEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures commit-to-seen for the count-only Debezium consumer: the engine notes when each title first
 * arrives in a batch; the lag is from the commit returning to that moment (0 when the engine was quicker than
 * the client's acknowledgement).
 */
final class EngineObserver implements WriteLoad.Observer {
    private final CountingEngine engine;
    private final Map<String, Long> committed = new ConcurrentHashMap<>();

    EngineObserver(CountingEngine engine) {
        this.engine = engine;
    }

    @Override
    public void committed(long articleId, String title, long committedAtNanos) {
        committed.put(title, committedAtNanos);
    }

    Lags finish(Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        Map<String, Long> seen = engine.titlesSeenAtNanos();
        while (!seen.keySet().containsAll(committed.keySet()) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        List<Double> lags = new ArrayList<>();
        long notSeen = 0;
        for (Map.Entry<String, Long> write : committed.entrySet()) {
            Long at = seen.get(write.getKey());
            if (at == null) {
                notSeen++;
            } else {
                lags.add(Math.max(0, at - write.getValue()) / 1e6);
            }
        }
        return new Lags(lags, notSeen);
    }
}
