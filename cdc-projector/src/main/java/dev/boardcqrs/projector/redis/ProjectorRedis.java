package dev.boardcqrs.projector.redis;

import dev.boardcqrs.common.redis.LuaScript;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis commands the projector's core uses, so that the commit protocol, the generations and the dead
 * letters can be tested without Redis ({@code FakeRedis} in the tests) and Redis errors are translated in one
 * place ({@link JedisProjectorRedis}): an unreachable Redis throws {@link RedisUnavailableException}, a command
 * Redis refuses throws {@link RefusedByRedisException}, and a refused command inside a transaction answers a
 * {@link ReplyError} in its place.
 */
public interface ProjectorRedis {

    /** The implementation for {@code client}: one Redis, or a Redis Cluster. */
    static ProjectorRedis on(UnifiedJedis client) {
        return client instanceof RedisClusterClient cluster ? new ClusterProjectorRedis(cluster)
                : new JedisProjectorRedis(client);
    }

    /**
     * Whether this is a Redis Cluster: a {@link Transaction} then commits a MULTI/EXEC per slot, so every script call
     * queued in it must keep its keys in one slot.
     */
    default boolean cluster() {
        return false;
    }

    String get(String key);

    /** Publishes {@code message} on {@code channel} now; false when Redis refuses this user the channel (an ACL). */
    boolean publish(String channel, String message);

    void set(String key, String value);

    /** Sets {@code key} to expire after {@code expiry}, unless set again (or given more time) before. */
    void set(String key, String value, Duration expiry);

    /** Sets {@code key} to expire after {@code expiry} unless it exists; false when it did (and was left as it was). */
    boolean setIfAbsent(String key, String value, Duration expiry);

    /** Gives an existing {@code key} {@code expiry} more to live; false when there is no such key. */
    boolean pexpire(String key, Duration expiry);

    /** Adds {@code by} to the number at {@code key} (0 when absent) and answers the sum: each caller gets its own. */
    long incrBy(String key, long by);

    void del(String key);

    String hget(String key, String field);

    /** Every field of the hash at {@code key}; empty when there is none. */
    Map<String, String> hgetAll(String key);

    void hset(String key, String field, String value);

    void hdel(String key, String field);

    Set<String> smembers(String key);

    void sadd(String key, String member);

    void srem(String key, String member);

    void unlink(String... keys);

    /**
     * Removes every key matching {@code pattern} (a SCAN pattern) that {@code keep} does not want, a page at a time
     * so Redis keeps answering meanwhile; answers how many were removed.
     */
    long unlinkMatching(String pattern, Predicate<String> keep);

    /** How many keys match {@code pattern} (a SCAN pattern) and {@code counted}, read a page at a time. */
    long countMatching(String pattern, Predicate<String> counted);

    /** Makes sure Redis knows the scripts, so an EVALSHA queued in a transaction cannot fail with NOSCRIPT. */
    void loadScripts(Collection<LuaScript> scripts);

    /**
     * {@link #loadScripts} and reads the values named, in one round trip when Redis knows every script: committing
     * a batch needs both before its MULTI/EXEC, and for a small batch each round trip costs as much as the writes.
     * Answers the values in the order of {@code reads}, null for a missing one.
     */
    List<String> loadScriptsAndRead(Collection<LuaScript> scripts, List<Read> reads);

    /**
     * WATCHes {@code watched} in {@code tx}, then {@link #loadScriptsAndRead}: a commit needs both before its MULTI,
     * and the reads must see the watched keys as they were when the watch began (a change after it aborts the EXEC).
     * A client that can send them on the transaction's own connection at once saves a commit a round trip.
     */
    default List<String> watchAndRead(Transaction tx, List<String> watched, Collection<LuaScript> scripts,
                                      List<Read> reads) {
        tx.watch(watched.toArray(String[]::new));
        return loadScriptsAndRead(scripts, reads);
    }

    /** A value to read: a field of a hash, or a string key when {@code field} is null. */
    record Read(String key, String field) {
        public static Read hashField(String key, String field) {
            return new Read(key, field);
        }

        public static Read string(String key) {
            return new Read(key, null);
        }
    }

    /**
     * The server's settings whose names match {@code pattern} (CONFIG GET); empty where the server does not let this
     * client read them (an ACL, a managed Redis that renamed CONFIG).
     */
    Map<String, String> config(String pattern);

    /** Starts an optimistic transaction on a connection of its own: WATCH, then MULTI ... EXEC. */
    Transaction transaction();

    /** Appends an entry to a stream; answers its id. */
    String xadd(String key, Map<String, String> fields);

    /** Every entry of a stream, oldest first. */
    List<StreamEntry> xrange(String key);

    void xdel(String key, String id);

    long xlen(String key);

    /** One entry of a stream. */
    record StreamEntry(String id, Map<String, String> fields) {
    }

    /** WATCH, then MULTI, queued commands and EXEC; closing it unwatches and returns the connection. */
    interface Transaction extends AutoCloseable {

        void watch(String... keys);

        void multi();

        void evalsha(LuaScript script, List<String> keys, List<String> args);

        void hset(String key, String field, String value);

        void set(String key, String value);

        void del(String key);

        void sadd(String key, String member);

        /** Queues a PUBLISH: subscribers receive {@code message} once the transaction has run (not in a cluster). */
        void publish(String channel, String message);

        /**
         * Runs the queued commands; answers their replies in order (a refused command's as a {@link ReplyError}),
         * or null when a watched key changed and nothing ran.
         */
        List<Object> exec();

        @Override
        void close();
    }

    /** What Redis answered in place of a reply when it refused one command of a transaction. */
    record ReplyError(String message) {
    }
}
