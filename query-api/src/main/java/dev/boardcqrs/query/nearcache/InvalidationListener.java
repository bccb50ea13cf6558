package dev.boardcqrs.query.nearcache;

import dev.boardcqrs.common.redis.KeyScheme;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Keeps the read models' near caches ({@link InvalidationTarget}s) honest. A connection of its own turns on Redis'
 * client-side caching support in broadcast mode for the namespace's models (every generation), active pointer and
 * the keys the targets name, redirected to itself and subscribed to {@code __redis__:invalidate}: Redis then names
 * every such key that changes, expires or is evicted, in one message per event-loop cycle, and this thread tells
 * the targets, which drop what was read from it. A change of the active pointer or a FLUSHALL is told to all. The
 * same connection subscribes to the channels the targets name ({@link InvalidationTarget#channels}).
 *
 * <p>The caches serve only while that connection is subscribed and answers pings. When it breaks (Redis
 * restarted, the connection was killed, or it stayed silent for {@link #SILENT_AT_MOST}), they stop and every
 * read goes to Redis until a new connection is subscribed; then they start again from nothing.
 */
public final class InvalidationListener implements Invalidations {
    private static final String CHANNEL = "__redis__:invalidate";
    /** How the connection shows in CLIENT LIST. */
    public static final String CLIENT_NAME = "query-api-near-cache";
    private static final Duration PING_EVERY = Duration.ofSeconds(1);
    /** A subscribed connection that answers no ping for this long may be cut off without us knowing. */
    private static final Duration SILENT_AT_MOST = Duration.ofSeconds(5);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration LAST_RETRY = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(InvalidationListener.class);

    private final Supplier<Connection> connections;
    private final KeyScheme keys;
    private final List<InvalidationTarget> targets;
    private final Thread thread;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "near-cache-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Subscription current;
    private volatile boolean serving;
    private volatile boolean closed;
    // set once Redis refused the targets' channels (an ACL): from then on only the reports' channel
    private volatile boolean targetChannelsRefused;
    // why the caches are off for good, or null
    private volatile String refusal;

    /** {@code connections}: opens a new connection to the Redis the caches were read from. */
    public InvalidationListener(Supplier<Connection> connections, KeyScheme keys, List<InvalidationTarget> targets) {
        this.connections = connections;
        this.keys = keys;
        this.targets = List.copyOf(targets);
        this.thread = new Thread(this::listen, "near-cache-invalidations");
        this.thread.setDaemon(true);
    }

    @Override
    public void start() {
        thread.start();
        watchdog.scheduleWithFixedDelay(this::checkAlive, PING_EVERY.toMillis(), PING_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void listen() {
        Duration retry = FIRST_RETRY;
        while (!closed) {
            try (Jedis connection = new Jedis(connections.get())) {
                Subscription subscription = new Subscription(connection);
                connection.clientSetname(CLIENT_NAME);
                connection.sendCommand(Protocol.Command.CLIENT, trackingArguments(connection.clientId()));
                current = subscription;
                retry = FIRST_RETRY;
                connection.subscribe(subscription, channels()); // returns only once unsubscribed
            } catch (JedisDataException e) {
                if (!closed && !targetChannelsRefused && refusedAChannel(e)) {
                    // an ACL that lets this user read the reports but not the targets' channels: reports matter more
                    log.warn("Redis refused a subscription to {} ({}); subscribing to the reports alone: the near "
                            + "caches work, and what those channels tell is asked of Redis instead (read-your-writes)",
                            String.join(", ", channels()), e.getMessage());
                    targetChannelsRefused = true;
                    continue;
                }
                if (!closed && !passing(e)) {
                    // an old Redis (before 6.0) or an ACL without CLIENT or SUBSCRIBE: asking again changes nothing
                    refusal = "Redis refused client tracking: " + e.getMessage();
                    log.error("near cache off for good: {}; every read goes to Redis", refusal);
                    return;
                }
                log.warn("near cache off: Redis is not ready ({}); reconnecting in {} ms", e.getMessage(),
                        retry.toMillis());
            } catch (JedisException e) {
                if (!closed) {
                    log.warn("near cache off: no invalidations from Redis ({}); reading Redis every time, "
                            + "reconnecting in {} ms", e.getMessage(), retry.toMillis());
                }
            } finally {
                current = null;
                stopCaches();
            }
            if (!closed && !pause(retry)) {
                return;
            }
            retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
        }
    }

    private static boolean refusedAChannel(JedisDataException e) {
        String message = String.valueOf(e.getMessage());
        return message.startsWith("NOPERM") && message.contains("channel");
    }

    private static boolean passing(JedisDataException e) {
        String message = String.valueOf(e.getMessage());
        return message.startsWith("LOADING") || message.startsWith("BUSY") || message.startsWith("TRYAGAIN");
    }

    @Override
    public String state() {
        String refused = refusal;
        if (refused != null) {
            return "off: " + refused;
        }
        return current != null && serving ? "serving" : "waiting for invalidations";
    }

    /** Broadcast mode for the namespace's prefixes, reported to this same connection's subscription. */
    private String[] trackingArguments(long ownId) {
        List<String> arguments = new ArrayList<>(List.of("TRACKING", "ON", "REDIRECT", Long.toString(ownId), "BCAST"));
        List<String> prefixes = new ArrayList<>(List.of(keys.active(), keys.generationsPrefix()));
        targets.forEach(target -> target.ownPrefixes().forEach(prefix -> prefixes.add(keys.own(prefix))));
        for (String prefix : prefixes) {
            arguments.add("PREFIX");
            arguments.add(prefix);
        }
        return arguments.toArray(String[]::new);
    }

    private String[] channels() {
        List<String> channels = new ArrayList<>(List.of(CHANNEL));
        if (targetChannelsRefused) {
            return channels.toArray(String[]::new);
        }
        targets.forEach(target -> target.channels().stream().filter(channel -> !channels.contains(channel))
                .forEach(channels::add));
        return channels.toArray(String[]::new);
    }

    private void received(String channel, String message) {
        for (InvalidationTarget target : targets) {
            if (target.channels().contains(channel)) {
                target.received(channel, message);
            }
        }
    }

    private void changed(String key) {
        if (key == null) {
            // FLUSHALL or FLUSHDB: Redis names no key
            targets.forEach(InvalidationTarget::flushed);
            return;
        }
        if (key.equals(keys.active())) {
            targets.forEach(InvalidationTarget::generationSwitched);
            return;
        }
        String inGeneration = keys.inAnyGeneration(key);
        for (InvalidationTarget target : targets) {
            if (inGeneration != null) {
                target.modelKeyChanged(inGeneration);
            } else if (target.ownPrefixes().stream().anyMatch(prefix -> key.startsWith(keys.own(prefix)))) {
                target.ownKeyChanged(key);
            }
        }
    }

    private void serveCaches() {
        serving = true;
        targets.forEach(InvalidationTarget::serve);
    }

    private void stopCaches() {
        serving = false;
        targets.forEach(InvalidationTarget::stop);
    }

    private boolean pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Pings the subscription and cuts it off when it has stayed silent too long; survives one bad run. */
    private void checkAlive() {
        Subscription subscription = current;
        if (subscription == null || !subscription.isSubscribed()) {
            return;
        }
        try {
            long silentNanos = System.nanoTime() - subscription.lastHeardNanos;
            if (silentNanos > SILENT_AT_MOST.toNanos()) {
                log.warn("near cache off: the invalidation connection answered no ping for {} ms; reconnecting",
                        TimeUnit.NANOSECONDS.toMillis(silentNanos));
                stopCaches();
                subscription.connection.disconnect(); // the listening thread fails, and connects again
            } else {
                subscription.ping();
            }
        } catch (RuntimeException e) {
            log.debug("near cache watchdog: {}", e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        watchdog.shutdownNow();
        Subscription subscription = current;
        if (subscription != null) {
            subscription.connection.disconnect();
        }
        thread.interrupt(); // ends a wait before reconnecting
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopCaches();
    }

    /** The subscription of one connection: every message is a list of changed keys, or null for all of them. */
    private final class Subscription extends JedisPubSub {
        private final Jedis connection;
        private volatile long lastHeardNanos = System.nanoTime();

        Subscription(Jedis connection) {
            this.connection = connection;
        }

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            lastHeardNanos = System.nanoTime();
            if (!CHANNEL.equals(channel)) {
                return;
            }
            serveCaches();
            log.info("near cache on: Redis reports changes to the keys of namespace '{}'", keys.namespace());
        }

        @Override
        public void onMessage(String channel, String message) {
            lastHeardNanos = System.nanoTime();
            if (CHANNEL.equals(channel)) {
                changed(message); // the name of a key that changed
            } else {
                received(channel, message);
            }
        }

        @Override
        public void onPong(String pattern) {
            lastHeardNanos = System.nanoTime();
        }
    }
}
