package dev.boardcqrs.query.view;

import dev.boardcqrs.common.board.KeyScheme;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import redis.clients.jedis.UnifiedJedis;

/**
 * View counts read live from command-api's Redis counters through a short in-process cache. Concurrent readers
 * of an expired or missing count share one load, so N readers of one article cause at most one Redis read per
 * TTL per instance; a page's missing counts are read together with one MGET.
 */
public final class ViewCounts {
    // past this many entries, expired ones are swept out so the cache cannot grow without bound
    private static final int SWEEP_ABOVE = 100_000;

    private final UnifiedJedis redis;
    private final KeyScheme keys;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<Long, Entry> cache = new ConcurrentHashMap<>();

    public ViewCounts(UnifiedJedis redis, KeyScheme keys, Duration ttl, LongSupplier nanoTime) {
        this.redis = redis;
        this.keys = keys;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The counts of these articles, 0 for an article never viewed. */
    public Map<Long, Long> of(Collection<Long> articleIds) {
        long now = nanoTime.getAsLong();
        Map<Long, CompletableFuture<Long>> counts = new LinkedHashMap<>();
        Map<Long, Entry> mine = new LinkedHashMap<>();
        for (long id : articleIds) {
            Entry fresh = new Entry(new CompletableFuture<>(), now);
            Entry current = cache.compute(id, (key, old) -> old != null && old.freshAt(now, ttlNanos) ? old : fresh);
            if (current == fresh) {
                mine.put(id, fresh);
            }
            counts.put(id, current.count());
        }
        if (!mine.isEmpty()) {
            load(mine);
        }
        Map<Long, Long> result = new LinkedHashMap<>();
        try {
            counts.forEach((id, count) -> result.put(id, count.join()));
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        return result;
    }

    private void load(Map<Long, Entry> entries) {
        List<Long> ids = new ArrayList<>(entries.keySet());
        try {
            List<String> values = redis.mget(ids.stream().map(keys::viewCount).toArray(String[]::new));
            for (int i = 0; i < ids.size(); i++) {
                String value = values.get(i);
                entries.get(ids.get(i)).count().complete(value == null ? 0L : Long.parseLong(value));
            }
        } catch (RuntimeException e) {
            // waiting readers get the failure; the next reader tries Redis again
            entries.forEach((id, entry) -> {
                cache.remove(id, entry);
                entry.count().completeExceptionally(e);
            });
        }
        if (cache.size() > SWEEP_ABOVE) {
            long now = nanoTime.getAsLong();
            cache.entrySet().removeIf(entry -> !entry.getValue().freshAt(now, ttlNanos));
        }
    }

    private record Entry(CompletableFuture<Long> count, long loadedAt) {
        boolean freshAt(long now, long ttlNanos) {
            return now - loadedAt < ttlNanos;
        }
    }
}
