package dev.boardcqrs.query.nearcache;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * A {@link NearCache} whose entries each belong to an owner (the reads of a board's or a writer's list), all of
 * which one change of the owner outdates. The keys are indexed by owner, so a change drops its owner's entries
 * without a look at anyone else's. This is a plain data structure: no Redis here.
 *
 * <p>An owner's keys are gathered in a set from its first read after its last change. A change takes the owner's
 * set away whole, then drops each of its keys. A reader adds its key to the owner's set before it reserves the key,
 * and stores what it read only if that set is still the owner's: a read reserved before a change is in the set
 * the change drops, or its set was taken away meanwhile and it is not stored. So NearCache's rule holds: no value
 * kept is one a processed change outdated.
 */
public final class NearCacheByOwner<K, V> {
    private final NearCache<K, V> cache;
    // An owner's set also holds the keys of its reads evicted since its last change: a key is never taken out alone,
    // which would race with a reader adding it again. So a set holds the distinct reads of one owner between two of
    // its changes (or a switch of generations, or a flush), a short record each; past these bounds an owner, or
    // everything, is dropped as a change would drop it, which is always safe: a crawler paging through a quiet board
    // cannot make the index grow without end.
    static final int MAX_KEYS_PER_OWNER = 512;
    static final int MAX_OWNERS = 100_000;
    private final ConcurrentMap<String, Set<K>> keysByOwner = new ConcurrentHashMap<>();

    /**
     * @param maxBytes what the kept values may weigh in all, by {@code weigher}'s estimate; 0 keeps nothing
     */
    public NearCacheByOwner(long maxBytes, ToIntFunction<V> weigher) {
        this.cache = new NearCache<>(maxBytes, weigher);
    }

    /**
     * What keeps this cache honest: a change of a model key drops the entries of the owner {@code ownerOf} names
     * for it (null: none of this cache's), a switch of generations or a flush drops everything.
     */
    public InvalidationTarget invalidatedBy(Function<String, String> ownerOf) {
        return NearCache.invalidationTarget(keyInGeneration -> {
            String owner = ownerOf.apply(keyInGeneration);
            if (owner != null) {
                ownerChanged(owner);
            }
        }, this::clear, this::serve, this::stop);
    }

    /** The kept value of {@code key}, or null: none kept, or not serving now. */
    public V get(K key) {
        return cache.get(key);
    }

    /** Call before reading {@code key}, one of {@code owner}'s, from Redis; null when nothing may be stored now. */
    public Reservation reserve(String owner, K key) {
        if (!cache.serving()) {
            return null;
        }
        if (keysByOwner.size() >= MAX_OWNERS) {
            clear();
        }
        Set<K> keys = keysByOwner.computeIfAbsent(owner, any -> ConcurrentHashMap.newKeySet());
        keys.add(key);
        if (keys.size() > MAX_KEYS_PER_OWNER) {
            ownerChanged(owner); // this read is then not stored: its set is no longer the owner's
            return null;
        }
        NearCache.Reservation reservation = cache.reserve(key);
        return reservation == null ? null : new Reservation(owner, keys, reservation);
    }

    /** Keeps {@code value}, read from Redis after {@code reservation}, unless a change outdated the read. */
    public void store(K key, Reservation reservation, V value) {
        if (reservation != null && keysByOwner.get(reservation.owner) == reservation.keys) {
            cache.store(key, reservation.reservation, value);
        }
    }

    /** Redis says {@code owner} changed: drops its entries (values and reservations), and no one else's. */
    public void ownerChanged(String owner) {
        Set<K> keys = keysByOwner.remove(owner);
        if (keys != null) {
            keys.forEach(cache::invalidate);
        }
    }

    /** Drops everything kept; used when Redis says everything changed (FLUSHALL) or the models switched. */
    public void clear() {
        // the sets first: a reader whose set is gone does not store, and what was stored before goes with the cache
        keysByOwner.clear();
        cache.clear();
    }

    /** From now on every change is reported: start keeping values, from nothing. */
    public void serve() {
        keysByOwner.clear();
        cache.serve();
    }

    /** Changes may go unreported from now on: keep and answer nothing until {@link #serve}. */
    public void stop() {
        keysByOwner.clear();
        cache.stop();
    }

    /** How many keys hold a value or a reservation (an estimate, for metrics). */
    public long size() {
        return cache.size();
    }

    /** A reader's claim on a key of an owner while it reads Redis. */
    public static final class Reservation {
        private final String owner;
        private final Set<?> keys;
        private final NearCache.Reservation reservation;

        private Reservation(String owner, Set<?> keys, NearCache.Reservation reservation) {
            this.owner = owner;
            this.keys = keys;
            this.reservation = reservation;
        }
    }
}
