package dev.boardcqrs.projector.redis;

import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.common.redis.RedisClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * {@link ProjectorRedis} on a Redis Cluster. Commands of one key go where the cluster client routes them (the single
 * Redis' code, {@link JedisProjectorRedis}); what spans keys is done per slot or per master: SCAN on every master, a
 * script made known to every master, and a {@link ClusterTransaction} that is a MULTI/EXEC per slot.
 */
public final class ClusterProjectorRedis implements ProjectorRedis {
    private final RedisClusterClient cluster;
    private final JedisProjectorRedis routed;

    public ClusterProjectorRedis(RedisClusterClient cluster) {
        this.cluster = cluster;
        this.routed = new JedisProjectorRedis(cluster);
    }

    @Override
    public boolean cluster() {
        return true;
    }

    @Override
    public String get(String key) {
        return routed.get(key);
    }

    @Override
    public boolean publish(String channel, String message) {
        return routed.publish(channel, message);
    }

    @Override
    public void set(String key, String value) {
        routed.set(key, value);
    }

    @Override
    public void set(String key, String value, Duration expiry) {
        routed.set(key, value, expiry);
    }

    @Override
    public boolean setIfAbsent(String key, String value, Duration expiry) {
        return routed.setIfAbsent(key, value, expiry);
    }

    @Override
    public boolean pexpire(String key, Duration expiry) {
        return routed.pexpire(key, expiry);
    }

    @Override
    public long incrBy(String key, long by) {
        return routed.incrBy(key, by);
    }

    @Override
    public void del(String key) {
        routed.del(key);
    }

    @Override
    public String hget(String key, String field) {
        return routed.hget(key, field);
    }

    @Override
    public Map<String, String> hgetAll(String key) {
        return routed.hgetAll(key);
    }

    @Override
    public void hset(String key, String field, String value) {
        routed.hset(key, field, value);
    }

    @Override
    public void hdel(String key, String field) {
        routed.hdel(key, field);
    }

    @Override
    public Set<String> smembers(String key) {
        return routed.smembers(key);
    }

    @Override
    public void sadd(String key, String member) {
        routed.sadd(key, member);
    }

    @Override
    public void srem(String key, String member) {
        routed.srem(key, member);
    }

    /** One key at a time: a command with keys of several slots is refused (CROSSSLOT). */
    @Override
    public void unlink(String... keys) {
        for (String key : keys) {
            routed.unlink(key);
        }
    }

    @Override
    public long unlinkMatching(String pattern, Predicate<String> keep) {
        long[] removed = {0};
        onEveryMaster(node -> JedisProjectorRedis.scan(node, pattern, page -> {
            for (String key : page) {
                if (!keep.test(key)) {
                    removed[0] += node.unlink(key);
                }
            }
        }));
        return removed[0];
    }

    @Override
    public long countMatching(String pattern, Predicate<String> counted) {
        long[] count = {0};
        onEveryMaster(node -> JedisProjectorRedis.scan(node, pattern,
                page -> count[0] += page.stream().filter(counted).count()));
        return count[0];
    }

    /** Each master must know the scripts: a script runs on the master of its keys' slot. */
    @Override
    public void loadScripts(Collection<LuaScript> scripts) {
        List<LuaScript> list = List.copyOf(scripts);
        if (list.isEmpty()) {
            return;
        }
        onEveryMaster(node -> {
            List<Boolean> known = node.scriptExists(list.stream().map(LuaScript::sha).toArray(String[]::new));
            for (int i = 0; i < list.size(); i++) {
                if (!known.get(i)) {
                    node.scriptLoad(list.get(i).source());
                }
            }
        });
    }

    /** The values live in several slots: one read each, after the scripts. */
    @Override
    public List<String> loadScriptsAndRead(Collection<LuaScript> scripts, List<Read> reads) {
        loadScripts(scripts);
        List<String> values = new ArrayList<>(reads.size());
        for (Read read : reads) {
            values.add(read.field() == null ? routed.get(read.key()) : routed.hget(read.key(), read.field()));
        }
        return values;
    }

    /** The first master's: the masters of one cluster are configured alike. */
    @Override
    public Map<String, String> config(String pattern) {
        Map<String, String> found = new LinkedHashMap<>();
        try {
            onEveryMaster(node -> {
                if (found.isEmpty()) {
                    found.putAll(node.configGet(pattern));
                }
            });
        } catch (RefusedByRedisException e) {
            return Map.of();
        }
        return found;
    }

    @Override
    public ProjectorRedis.Transaction transaction() {
        return new ClusterTransaction(cluster);
    }

    @Override
    public String xadd(String key, Map<String, String> fields) {
        return routed.xadd(key, fields);
    }

    @Override
    public List<StreamEntry> xrange(String key) {
        return routed.xrange(key);
    }

    @Override
    public void xdel(String key, String id) {
        routed.xdel(key, id);
    }

    @Override
    public long xlen(String key) {
        return routed.xlen(key);
    }

    private void onEveryMaster(Consumer<Jedis> action) {
        JedisProjectorRedis.call(() -> {
            for (ConnectionPool pool : RedisClients.masters(cluster)) {
                try (Jedis node = new Jedis(pool.getResource())) {
                    action.accept(node);
                }
            }
            return null;
        });
    }

    /**
     * A transaction over several slots: WATCH on the connection of each watched key's slot, then one MULTI/EXEC per
     * slot. The slots of watched keys go last: the store watches the generation's meta, which holds the stream's
     * position, so the position is written after the models it covers, and only if no other instance wrote it
     * meanwhile (a zombie's EXEC there finds the field changed and writes nothing). The models of the other slots
     * are written by then; they guard themselves per article, so the new owner's replay of them changes nothing.
     */
    static final class ClusterTransaction implements ProjectorRedis.Transaction {
        private final RedisClusterClient cluster;
        // watched slots, each on a connection of its own, in the order first watched
        private final Map<Integer, AbstractTransaction> watched = new LinkedHashMap<>();
        private final List<Command> commands = new ArrayList<>();

        ClusterTransaction(RedisClusterClient cluster) {
            this.cluster = cluster;
        }

        private record Command(int slot, Consumer<AbstractTransaction> queue) {
        }

        @Override
        public void watch(String... keys) {
            JedisProjectorRedis.call(() -> {
                for (String key : keys) {
                    int slot = JedisClusterCRC16.getSlot(key);
                    watched.computeIfAbsent(slot, this::open).watch(key);
                }
                return null;
            });
        }

        private AbstractTransaction open(int slot) {
            return new redis.clients.jedis.Transaction(cluster.getConnectionFromSlot(slot), false, true);
        }

        @Override
        public void multi() {
            // each slot's MULTI is sent with its commands, at EXEC
        }

        @Override
        public void evalsha(LuaScript script, List<String> keys, List<String> args) {
            commands.add(new Command(JedisClusterCRC16.getSlot(keys.get(0)), tx -> tx.evalsha(script.sha(), keys, args)));
        }

        @Override
        public void hset(String key, String field, String value) {
            commands.add(new Command(JedisClusterCRC16.getSlot(key), tx -> tx.hset(key, field, value)));
        }

        @Override
        public void set(String key, String value) {
            commands.add(new Command(JedisClusterCRC16.getSlot(key), tx -> tx.set(key, value)));
        }

        @Override
        public void del(String key) {
            commands.add(new Command(JedisClusterCRC16.getSlot(key), tx -> tx.del(key)));
        }

        @Override
        public void sadd(String key, String member) {
            commands.add(new Command(JedisClusterCRC16.getSlot(key), tx -> tx.sadd(key, member)));
        }

        @Override
        public void publish(String channel, String message) {
            // only the embedded engine's store publishes, and a cluster takes Kafka mode only: publishing here would
            // need an argument (and a test) for when the message goes out against the slots' EXECs
            throw new UnsupportedOperationException("a cluster transaction publishes nothing");
        }

        @Override
        public List<Object> exec() {
            return JedisProjectorRedis.call(() -> {
                Map<Integer, List<Integer>> bySlot = new LinkedHashMap<>();
                for (int i = 0; i < commands.size(); i++) {
                    bySlot.computeIfAbsent(commands.get(i).slot(), slot -> new ArrayList<>()).add(i);
                }
                Object[] replies = new Object[commands.size()];
                for (Map.Entry<Integer, List<Integer>> slot : bySlot.entrySet()) {
                    if (!watched.containsKey(slot.getKey())) {
                        try (AbstractTransaction tx = open(slot.getKey())) {
                            run(tx, slot.getValue(), replies);
                        }
                    }
                }
                // watched slots: those that only check first, the ones that write (the position) last
                List<Integer> order = new ArrayList<>(watched.keySet());
                order.sort((a, b) -> Boolean.compare(bySlot.containsKey(a), bySlot.containsKey(b)));
                for (int slot : order) {
                    if (!run(watched.get(slot), bySlot.getOrDefault(slot, List.of()), replies)) {
                        return null;
                    }
                }
                return JedisProjectorRedis.translated(Arrays.asList(replies));
            });
        }

        /** MULTI, the commands, EXEC on {@code tx}; false when a watched key changed and nothing ran. */
        private boolean run(AbstractTransaction tx, List<Integer> indexes, Object[] replies) {
            tx.multi();
            for (int index : indexes) {
                commands.get(index).queue().accept(tx);
            }
            List<Object> slotReplies = tx.exec();
            if (slotReplies == null) {
                return false;
            }
            for (int i = 0; i < indexes.size(); i++) {
                replies[indexes.get(i)] = slotReplies.get(i);
            }
            return true;
        }

        /** Every watched slot's, even after one failed: each holds a pooled connection until closed. */
        @Override
        public void close() {
            JedisProjectorRedis.call(() -> {
                RuntimeException failed = null;
                for (AbstractTransaction tx : watched.values()) {
                    try {
                        tx.close();
                    } catch (RuntimeException e) {
                        if (failed == null) {
                            failed = e;
                        } else {
                            failed.addSuppressed(e);
                        }
                    }
                }
                if (failed != null) {
                    throw failed;
                }
                return null;
            });
        }
    }
}
