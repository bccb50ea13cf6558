package dev.boardcqrs.query.nearcache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Objects;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Values read from Redis, kept in this process between requests, and trusted only while Redis reports every
 * change to their keys ({@link InvalidationListener} calls {@link #serve}, {@link #invalidate} and {@link #stop}).
 * This is a plain data structure: no Redis here.
 *
 * <p>A reader that misses {@link #reserve reserves} the key before it reads Redis and {@link #store stores} what
 * it read afterwards. Readers that miss between two reported changes share one reservation, and a store happens
 * only while that reservation (or a value stored under it) is in place: an invalidation that arrived meanwhile
 * removed it. Readers sharing a reservation may still read different values (a change whose report has not come
 * yet), and the order in which their reads reached Redis is not known here: the first store keeps its value, and a
 * store of a different value drops the entry, before its reader answers. So the value kept is always one that no
 * processed invalidation has outdated, and never older than one another reader already got from Redis and answered:
 * reads of one key through this cache do not go back in time.
 */
public final class NearCache<K, V> {
    private final Cache<K, Object> entries;
    private final ConcurrentMap<K, Object> map;
    // moves on every drop of everything, so a reservation taken before one cannot store after it
    private final AtomicLong epoch = new AtomicLong();
    private final BiPredicate<V, V> same;
    private volatile boolean serving;

    /**
     * Values are compared with {@link Object#equals}.
     *
     * @param maxBytes what the kept values may weigh in all, by {@code weigher}'s estimate; 0 keeps nothing
     */
    public NearCache(long maxBytes, ToIntFunction<V> weigher) {
        this(maxBytes, weigher, Objects::equals);
    }

    /** {@code same}: whether two values read from Redis say the same (by content). */
    public NearCache(long maxBytes, ToIntFunction<V> weigher, BiPredicate<V, V> same) {
        this.same = same;
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((K key, Object value) -> value instanceof Entry<?> entry
                        ? weigher.applyAsInt(valueOf(entry)) : 1)
                .build();
        this.map = entries.asMap();
    }

    /**
     * What keeps this cache honest: a change of a model key drops the entry {@code keyOf} names for it (null: none
     * of this cache's), a switch of generations or a flush drops everything.
     */
    public InvalidationTarget invalidatedBy(Function<String, K> keyOf) {
        return invalidationTarget(keyInGeneration -> {
            K key = keyOf.apply(keyInGeneration);
            if (key != null) {
                invalidate(key);
            }
        }, this::clear, this::serve, this::stop);
    }

    /** A target that hands each of its calls to the one of these that does it. */
    static InvalidationTarget invalidationTarget(Consumer<String> modelKeyChanged, Runnable clear, Runnable serve,
                                                 Runnable stop) {
        return new InvalidationTarget() {
            @Override
            public void modelKeyChanged(String keyInGeneration) {
                modelKeyChanged.accept(keyInGeneration);
            }

            @Override
            public void generationSwitched() {
                clear.run();
            }

            @Override
            public void flushed() {
                clear.run();
            }

            @Override
            public void serve() {
                serve.run();
            }

            @Override
            public void stop() {
                stop.run();
            }
        };
    }

    /** The kept value of {@code key}, or null: none kept, or not serving now. */
    public V get(K key) {
        if (!serving) {
            return null;
        }
        return map.get(key) instanceof Entry<?> entry ? valueOf(entry) : null;
    }

    /**
     * Call before reading {@code key} from Redis; null when nothing may be stored now. Readers since the last reported
     * change of the key share one reservation.
     */
    public Reservation reserve(K key) {
        if (!serving) {
            return null;
        }
        Reservation fresh = new Reservation(epoch.get());
        Object held = map.putIfAbsent(key, fresh);
        if (held instanceof Reservation shared) {
            return shared;
        }
        if (held instanceof Entry<?> entry) {
            return entry.reservation; // stored since this reader missed: its store compares with that value
        }
        return fresh;
    }

    /**
     * Keeps {@code value}, read from Redis after {@code reservation}, unless something outdated the read; drops what
     * another reader of the same reservation kept if the two differ, as either may be the older.
     */
    public void store(K key, Reservation reservation, V value) {
        if (reservation == null) {
            return;
        }
        Entry<V> mine = new Entry<>(reservation, value);
        Object kept = map.computeIfPresent(key, (any, held) -> {
            if (held == reservation) {
                return mine;
            }
            if (held instanceof Entry<?> entry && entry.reservation == reservation) {
                return same.test(valueOf(entry), value) ? held : null;
            }
            return held; // a reservation taken after a reported change: this read may be older than that change
        });
        if (kept == mine && epoch.get() != reservation.epoch) {
            // everything was dropped between the reservation and the store: the read may predate the drop
            map.remove(key, mine);
        }
    }

    /** Redis says {@code key} changed. */
    public void invalidate(K key) {
        map.remove(key);
    }

    /**
     * Redis says the keys {@code which} picks changed. Every entry (value or reservation) present when this
     * starts is looked at, so a read reserved before the change cannot store after it.
     */
    public void invalidateAll(Predicate<K> which) {
        // by key, whatever the value: an entry set's removeIf takes an entry away only if it still holds the value
        // looked at, and a store that replaced a reservation meanwhile would survive (NearCacheTest)
        map.keySet().removeIf(which);
    }

    /** Drops everything kept; used when Redis says everything changed (FLUSHALL) or the models switched. */
    public void clear() {
        epoch.incrementAndGet();
        entries.invalidateAll();
    }

    /** From now on every change is reported: start keeping values, from nothing. */
    public void serve() {
        clear();
        serving = true;
    }

    /** Changes may go unreported from now on: keep and answer nothing until {@link #serve}. */
    public void stop() {
        serving = false;
        clear();
    }

    public boolean serving() {
        return serving;
    }

    /** How many keys hold a value or a reservation (an estimate, for metrics). */
    public long size() {
        return entries.estimatedSize();
    }

    @SuppressWarnings("unchecked")
    private V valueOf(Entry<?> entry) {
        return (V) entry.value;
    }

    /**
     * A reader's claim on a key while it reads Redis. Compared by identity (a class, not a record): two
     * readers' reservations must never be equal.
     */
    public static final class Reservation {
        private final long epoch;

        private Reservation(long epoch) {
            this.epoch = epoch;
        }
    }

    // compared by identity too, so store's remove takes only its own entry away
    private static final class Entry<V> {
        private final Reservation reservation;
        private final V value;

        private Entry(Reservation reservation, V value) {
            this.reservation = reservation;
            this.value = value;
        }
    }
}
