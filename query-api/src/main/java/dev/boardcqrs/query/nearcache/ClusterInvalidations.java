package dev.boardcqrs.query.nearcache;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.RedisClients;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The near caches' invalidations from a Redis Cluster. Client tracking is per server: a master reports changes of
 * its own slots only, so each master gets an {@link InvalidationListener} of its own, on a connection of its own. The
 * caches serve only while every master's listener is subscribed: one master's reports alone would let a cache keep
 * what another master changed. A master that loses its listener's connection stops them all until it is back.
 * The masters are those the cluster has when query-api starts.
 */
final class ClusterInvalidations implements Invalidations {
    private final List<InvalidationListener> listeners = new ArrayList<>();

    ClusterInvalidations(RedisClusterClient cluster, KeyScheme keys, List<InvalidationTarget> targets) {
        List<Supplier<Connection>> masters = masters(cluster);
        AllMasters gate = new AllMasters(masters.size());
        for (int i = 0; i < masters.size(); i++) {
            listeners.add(new InvalidationListener(masters.get(i), keys, gate.of(i, targets)));
        }
    }

    /** A way to open a new connection to each master, outside the cluster client's pools. */
    private static List<Supplier<Connection>> masters(RedisClusterClient cluster) {
        List<Supplier<Connection>> masters = new ArrayList<>();
        for (ConnectionPool pool : RedisClients.masters(cluster)) {
            masters.add(() -> newConnection(pool));
        }
        return masters;
    }

    private static Connection newConnection(ConnectionPool pool) {
        try {
            return pool.getFactory().makeObject().getObject();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new JedisConnectionException("could not open a connection to a Redis master: " + e.getMessage(), e);
        }
    }

    @Override
    public void start() {
        listeners.forEach(InvalidationListener::start);
    }

    @Override
    public String state() {
        for (InvalidationListener listener : listeners) {
            if (!listener.state().equals("serving")) {
                return listener.state();
            }
        }
        return "serving";
    }

    @Override
    public void close() {
        listeners.forEach(InvalidationListener::close);
    }

    /** Passes each listener's reports on, but "serve" only once every master's listener said it. */
    private static final class AllMasters {
        private final int masters;
        private final Map<InvalidationTarget, Set<Integer>> serving = new IdentityHashMap<>();

        AllMasters(int masters) {
            this.masters = masters;
        }

        List<InvalidationTarget> of(int master, List<InvalidationTarget> targets) {
            return targets.stream().<InvalidationTarget>map(target -> new Gated(master, target)).toList();
        }

        private final class Gated implements InvalidationTarget {
            private final int master;
            private final InvalidationTarget target;

            Gated(int master, InvalidationTarget target) {
                this.master = master;
                this.target = target;
            }

            @Override
            public List<String> ownPrefixes() {
                return target.ownPrefixes();
            }

            @Override
            public List<String> channels() {
                return target.channels();
            }

            @Override
            public void received(String channel, String message) {
                // a cluster delivers a message to the subscribers of every master: the target gets it once per master
                target.received(channel, message);
            }

            @Override
            public void modelKeyChanged(String keyInGeneration) {
                target.modelKeyChanged(keyInGeneration);
            }

            @Override
            public void ownKeyChanged(String key) {
                target.ownKeyChanged(key);
            }

            @Override
            public void generationSwitched() {
                target.generationSwitched();
            }

            @Override
            public void flushed() {
                target.flushed();
            }

            @Override
            public void serve() {
                synchronized (AllMasters.this) {
                    Set<Integer> subscribed = serving.computeIfAbsent(target, any -> new HashSet<>());
                    subscribed.add(master);
                    if (subscribed.size() == masters) {
                        target.serve();
                    }
                }
            }

            @Override
            public void stop() {
                synchronized (AllMasters.this) {
                    serving.computeIfAbsent(target, any -> new HashSet<>()).remove(master);
                    target.stop();
                }
            }
        }
    }
}
