package dev.boardcqrs.query.nearcache;

import java.util.List;

/**
 * What a read model keeps in query-api's memory between requests, kept honest by Redis through the one
 * invalidation connection ({@link InvalidationListener}). It serves what it keeps only between {@link #serve} and
 * {@link #stop}: while Redis reports every change.
 */
public interface InvalidationTarget {

    /**
     * Prefixes of keys outside the generations that it keeps state from, after "{ns}:" ("view:count:"); the models'
     * keys of every generation are reported anyway. None by default.
     */
    default List<String> ownPrefixes() {
        return List.of();
    }

    /**
     * Pub/Sub channels, by their whole names, whose messages it wants on the same connection (so a message comes
     * after the reports of the changes made before it was published); none by default.
     */
    default List<String> channels() {
        return List.of();
    }

    /** A message on one of {@link #channels}. */
    default void received(String channel, String message) {
    }

    /** A key of the models changed, expired or was evicted: {@code keyInGeneration} is what follows "{ns}:{gen}:". */
    void modelKeyChanged(String keyInGeneration);

    /** A key under one of {@link #ownPrefixes} changed: the whole key. */
    default void ownKeyChanged(String key) {
    }

    /** Readers switched to another generation of the models: nothing read from the old one holds. */
    void generationSwitched();

    /** Redis was flushed: nothing read before holds, models or not. */
    void flushed();

    /** Redis reports every change from now on: what is kept may be served. */
    void serve();

    /** Reports may be missed from now on: serve nothing kept, and keep nothing read before {@link #serve}. */
    void stop();
}
