package dev.boardcqrs.query.view;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.boardcqrs.common.view.ViewKeys;
import dev.boardcqrs.query.nearcache.InvalidationTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * View counts read from command-api's Redis counters, kept in this process. A kept count is used for up to the
 * TTL after it was read; after that only while Redis reports changes to the counters (see
 * {@link dev.boardcqrs.query.nearcache.InvalidationListener}) and has reported none for it since it was read. So
 * the count of an article people are viewing is at most one TTL old and read at most once per TTL, however many
 * read it, while the count of an article nobody views is kept without being read again. Views change far more
 * often than articles, so they are kept apart from the article models, whose every change is answered at once.
 * Concurrent readers of a count that must be read share one load; the counts one answer needs are read together.
 */
public final class ViewCounts implements InvalidationTarget {
    private final UnifiedJedis redis;
    private final ViewKeys keys;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentMap<Long, Entry> kept;
    // moves whenever reports may have been missed: counts read before are used for their TTL only
    private final AtomicLong period = new AtomicLong();
    private volatile boolean reported;

    /** {@code maxKept}: how many counts to keep at most (the least used go first). */
    public ViewCounts(UnifiedJedis redis, ViewKeys keys, Duration ttl, long maxKept, LongSupplier nanoTime) {
        this.redis = redis;
        this.keys = keys;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
        this.kept = Caffeine.newBuilder().maximumSize(maxKept).<Long, Entry>build().asMap();
    }

    /** The counts of these articles, 0 for an article never viewed; those that must be read, with one MGET. */
    public Map<Long, Long> of(Collection<Long> articleIds) {
        Claim claim = claim(articleIds);
        if (!claim.toLoad().isEmpty()) {
            List<String> values;
            try {
                values = read(claim.toLoad().stream().map(keys::viewCount).toList());
            } catch (RuntimeException e) {
                claim.failed(e);
                throw e;
            }
            claim.loaded(values.stream().map(value -> value == null ? 0L : Long.parseLong(value)).toList());
        }
        return claim.counts();
    }

    /** The counters' values: one MGET on one Redis; a pipeline of GETs on a cluster, whose MGET takes one slot only. */
    private List<String> read(List<String> counters) {
        if (!(redis instanceof RedisClusterClient)) {
            return redis.mget(counters.toArray(String[]::new));
        }
        List<Response<String>> responses = new ArrayList<>(counters.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            counters.forEach(counter -> responses.add(pipeline.get(counter)));
            pipeline.sync();
        }
        return responses.stream().map(Response::get).toList();
    }

    /**
     * Starts reading these counts: kept ones (or ones another reader is loading) are taken as they are; the caller
     * reads the others ({@link Claim#toLoad}), for instance in the same round trip as something else, and hands
     * them to {@link Claim#loaded}, or its failure to {@link Claim#failed}.
     */
    public Claim claim(Collection<Long> articleIds) {
        long now = nanoTime.getAsLong();
        long currentPeriod = period.get();
        Map<Long, Entry> all = new LinkedHashMap<>();
        Map<Long, Entry> mine = new LinkedHashMap<>();
        for (long id : articleIds) {
            // a plain look first: a count in use is nearly always kept, and the map's compute (a lock and the
            // eviction policy's bookkeeping per id) was a third of a board page's handler samples (JFR)
            Entry seen = kept.get(id);
            if (seen != null && seen.usableAt(now)) {
                all.put(id, seen);
                continue;
            }
            Entry fresh = new Entry(now, currentPeriod);
            Entry current = kept.compute(id, (key, old) -> old != null && old.usableAt(now) ? old : fresh);
            if (current == fresh) {
                mine.put(id, fresh);
            }
            all.put(id, current);
        }
        return new Claim(all, mine);
    }

    /** Redis reports that this article's counter changed: its kept count is used for its TTL only. */
    public void changed(long articleId) {
        Entry entry = kept.get(articleId);
        if (entry != null) {
            entry.changed = true;
        }
    }

    @Override
    public List<String> ownPrefixes() {
        return List.of(ViewKeys.COUNT);
    }

    @Override
    public void ownKeyChanged(String key) {
        Long viewed = keys.articleOfViewCount(key);
        if (viewed != null) {
            changed(viewed);
        }
    }

    // counters belong to no generation
    @Override
    public void modelKeyChanged(String keyInGeneration) {
    }

    @Override
    public void generationSwitched() {
    }

    @Override
    public void flushed() {
        clear();
    }

    /** From now on Redis reports every change. */
    @Override
    public void serve() {
        period.incrementAndGet();
        reported = true;
    }

    /** Changes may go unreported from now on: counts are used for their TTL only. */
    @Override
    public void stop() {
        reported = false;
        period.incrementAndGet();
    }

    /** Redis says everything changed (FLUSHALL): the kept counts are used for their TTL only. */
    public void clear() {
        period.incrementAndGet();
    }

    /** Counts one reader needs: those it loads itself and those it waits for. */
    public final class Claim {
        private final Map<Long, Entry> all;
        private final Map<Long, Entry> mine;

        private Claim(Map<Long, Entry> all, Map<Long, Entry> mine) {
            this.all = all;
            this.mine = mine;
        }

        /** The articles whose counts this reader must read from Redis. */
        public List<Long> toLoad() {
            return new ArrayList<>(mine.keySet());
        }

        /** The counts read, in the order of {@link #toLoad}. */
        public void loaded(List<Long> counts) {
            int i = 0;
            for (Entry entry : mine.values()) {
                entry.count.complete(counts.get(i++));
            }
        }

        /** The read failed: readers waiting for these counts get the failure, and the next reader tries again. */
        public void failed(RuntimeException error) {
            mine.forEach((id, entry) -> {
                kept.remove(id, entry);
                entry.count.completeExceptionally(error);
            });
        }

        /** Every count, once loaded (by this reader or another). */
        public Map<Long, Long> counts() {
            Map<Long, Long> counts = new LinkedHashMap<>();
            try {
                all.forEach((id, entry) -> counts.put(id, entry.count.join()));
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            return counts;
        }
    }

    private final class Entry {
        private final CompletableFuture<Long> count = new CompletableFuture<>();
        private final long loadedAt;
        private final long loadedInPeriod;
        private volatile boolean changed;

        private Entry(long loadedAt, long loadedInPeriod) {
            this.loadedAt = loadedAt;
            this.loadedInPeriod = loadedInPeriod;
        }

        boolean usableAt(long now) {
            return now - loadedAt < ttlNanos
                    || (reported && !changed && loadedInPeriod == period.get() && !count.isCompletedExceptionally());
        }
    }
}
