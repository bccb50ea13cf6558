package dev.boardcqrs.projector.redis;

import dev.boardcqrs.common.redis.LuaScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * An in-memory {@link ProjectorRedis} for unit tests of the core: strings, hashes, sets and streams, with WATCH
 * that aborts an EXEC when a watched key was written after it was watched. Scripts are not run: each call is
 * recorded ({@link #calls}) and answered by {@link #scriptReply} (1 by default). {@link #beforeExec} runs just
 * before an EXEC checks its watched keys, as another client writing at that moment would.
 */
public final class FakeRedis implements ProjectorRedis {
    private final Map<String, String> strings = new HashMap<>();
    private final Map<String, Map<String, String>> hashes = new HashMap<>();
    private final Map<String, Set<String>> sets = new HashMap<>();
    private final Map<String, List<StreamEntry>> streams = new HashMap<>();
    private final Map<String, Long> versions = new HashMap<>();
    private long nextStreamId;
    /** Script calls that ran (in an EXEC that was not aborted), in order. */
    public final List<ScriptCall> calls = new ArrayList<>();
    /** Messages PUBLISHed by EXECs that ran: channel, then message. */
    public final List<List<String>> published = new ArrayList<>();
    /** Whether this user may publish (false: an ACL refuses it the channels). */
    public boolean mayPublish = true;
    /** EXECs attempted, aborted or not. */
    public int execs;
    /** Round trips a client would make for the reads, script checks, WATCHes and EXECs (MULTI..EXEC is one). */
    public int roundTrips;
    public java.util.function.Function<ScriptCall, Object> scriptReply = call -> 1L;
    public Runnable beforeExec = () -> { };
    /** Runs after an INCRBY answered, outside the fake's lock: another client's command may come in between. */
    public java.util.function.Consumer<String> afterIncrBy = key -> { };

    /** One script call: which script, with which keys and arguments. */
    public record ScriptCall(LuaScript script, List<String> keys, List<String> args) {
    }

    private void touched(String key) {
        versions.merge(key, 1L, Long::sum);
    }

    private long version(String key) {
        return versions.getOrDefault(key, 0L);
    }

    /** Settings as CONFIG GET would answer them; none by default, as on a Redis that refuses CONFIG. */
    public final Map<String, String> settings = new HashMap<>();

    @Override
    public synchronized Map<String, String> config(String pattern) {
        roundTrips++;
        String regex = pattern.replace("*", ".*");
        Map<String, String> matching = new HashMap<>();
        settings.forEach((name, value) -> {
            if (name.matches(regex)) {
                matching.put(name, value);
            }
        });
        return matching;
    }

    @Override
    public synchronized String get(String key) {
        roundTrips++;
        return strings.get(key);
    }

    @Override
    public synchronized void set(String key, String value) {
        strings.put(key, value);
        touched(key);
    }

    /** What each key was last given to live; the fake lets nothing expire (a test deletes the key for that). */
    public final Map<String, Duration> expiries = new HashMap<>();

    @Override
    public synchronized void set(String key, String value, Duration expiry) {
        set(key, value);
        expiries.put(key, expiry);
    }

    @Override
    public synchronized boolean setIfAbsent(String key, String value, Duration expiry) {
        if (strings.containsKey(key)) {
            return false;
        }
        set(key, value, expiry);
        return true;
    }

    @Override
    public synchronized boolean pexpire(String key, Duration expiry) {
        if (!strings.containsKey(key)) {
            return false;
        }
        expiries.put(key, expiry);
        return true;
    }

    @Override
    public long incrBy(String key, long by) {
        long next;
        synchronized (this) {
            next = Long.parseLong(strings.getOrDefault(key, "0")) + by;
            set(key, Long.toString(next));
        }
        afterIncrBy.accept(key);
        return next;
    }

    @Override
    public synchronized void del(String key) {
        boolean existed = strings.remove(key) != null | hashes.remove(key) != null | sets.remove(key) != null
                | streams.remove(key) != null;
        if (existed) {
            touched(key);
        }
    }

    @Override
    public synchronized String hget(String key, String field) {
        roundTrips++;
        Map<String, String> hash = hashes.get(key);
        return hash == null ? null : hash.get(field);
    }

    @Override
    public synchronized Map<String, String> hgetAll(String key) {
        roundTrips++;
        Map<String, String> all = new LinkedHashMap<>();
        hashes.getOrDefault(key, Map.of()).forEach((field, value) -> {
            if (value != null) { // serving(..., null) in the tests: a field Redis would not hold
                all.put(field, value);
            }
        });
        return all;
    }

    @Override
    public synchronized void hset(String key, String field, String value) {
        hashes.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(field, value);
        touched(key);
    }

    @Override
    public synchronized void hdel(String key, String field) {
        Map<String, String> hash = hashes.get(key);
        if (hash != null && hash.remove(field) != null) {
            if (hash.isEmpty()) {
                hashes.remove(key);
            }
            touched(key);
        }
    }

    @Override
    public synchronized Set<String> smembers(String key) {
        return new LinkedHashSet<>(sets.getOrDefault(key, Set.of()));
    }

    @Override
    public synchronized void sadd(String key, String member) {
        sets.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(member);
        touched(key);
    }

    @Override
    public synchronized void srem(String key, String member) {
        Set<String> set = sets.get(key);
        if (set != null && set.remove(member)) {
            if (set.isEmpty()) {
                sets.remove(key);
            }
            touched(key);
        }
    }

    @Override
    public synchronized void unlink(String... keys) {
        for (String key : keys) {
            del(key);
        }
    }

    @Override
    public synchronized long unlinkMatching(String pattern, Predicate<String> keep) {
        List<String> removed = keys(pattern).stream().filter(keep.negate()).toList();
        removed.forEach(this::del);
        return removed.size();
    }

    @Override
    public synchronized long countMatching(String pattern, Predicate<String> counted) {
        return keys(pattern).stream().filter(counted).count();
    }

    /** Every key matching a SCAN pattern (only '*' is special here). */
    public synchronized List<String> keys(String pattern) {
        Pattern regex = Pattern.compile(Pattern.quote(pattern).replace("*", "\\E.*\\Q"));
        List<String> all = new ArrayList<>();
        all.addAll(strings.keySet());
        all.addAll(hashes.keySet());
        all.addAll(sets.keySet());
        all.addAll(streams.keySet());
        return all.stream().filter(key -> regex.matcher(key).matches()).sorted().toList();
    }

    @Override
    public synchronized void loadScripts(Collection<LuaScript> scripts) {
        roundTrips++;
    }

    @Override
    public synchronized List<String> loadScriptsAndRead(Collection<LuaScript> scripts, List<Read> reads) {
        roundTrips++;
        return read(reads);
    }

    private List<String> read(List<Read> reads) {
        List<String> values = new ArrayList<>();
        for (Read read : reads) {
            Map<String, String> hash = hashes.get(read.key());
            values.add(read.field() == null ? strings.get(read.key()) : hash == null ? null : hash.get(read.field()));
        }
        return values;
    }

    /** As {@link JedisProjectorRedis} does it: WATCH and the reads sent together, one round trip. */
    @Override
    public synchronized List<String> watchAndRead(Transaction tx, List<String> watched, Collection<LuaScript> scripts,
                                                  List<Read> reads) {
        roundTrips++;
        ((FakeTransaction) tx).watchKeys(watched.toArray(String[]::new));
        return read(reads);
    }

    @Override
    public synchronized boolean publish(String channel, String message) {
        roundTrips++;
        if (mayPublish) {
            published.add(List.of(channel, message));
        }
        return mayPublish;
    }

    @Override
    public Transaction transaction() {
        return new FakeTransaction();
    }

    @Override
    public synchronized String xadd(String key, Map<String, String> fields) {
        String id = (++nextStreamId) + "-0";
        streams.computeIfAbsent(key, k -> new ArrayList<>()).add(new StreamEntry(id, new LinkedHashMap<>(fields)));
        touched(key);
        return id;
    }

    @Override
    public synchronized List<StreamEntry> xrange(String key) {
        return List.copyOf(streams.getOrDefault(key, List.of()));
    }

    @Override
    public synchronized void xdel(String key, String id) {
        List<StreamEntry> stream = streams.get(key);
        if (stream != null && stream.removeIf(entry -> entry.id().equals(id))) {
            touched(key);
        }
    }

    @Override
    public synchronized long xlen(String key) {
        return streams.getOrDefault(key, List.of()).size();
    }

    private final class FakeTransaction implements Transaction {
        private final Map<String, Long> watched = new TreeMap<>();
        private final List<Supplier<Object>> queued = new ArrayList<>();
        private boolean multi;

        @Override
        public void watch(String... keys) {
            synchronized (FakeRedis.this) {
                roundTrips++;
                watchKeys(keys);
            }
        }

        void watchKeys(String... keys) {
            synchronized (FakeRedis.this) {
                for (String key : keys) {
                    watched.putIfAbsent(key, version(key));
                }
            }
        }

        @Override
        public void multi() {
            multi = true;
        }

        private void queue(Supplier<Object> command) {
            if (!multi) {
                throw new IllegalStateException("a command queued before MULTI");
            }
            queued.add(command);
        }

        @Override
        public void evalsha(LuaScript script, List<String> keys, List<String> args) {
            ScriptCall call = new ScriptCall(script, List.copyOf(keys), List.copyOf(args));
            queue(() -> {
                calls.add(call);
                return scriptReply.apply(call);
            });
        }

        @Override
        public void hset(String key, String field, String value) {
            queue(() -> {
                FakeRedis.this.hset(key, field, value);
                return 1L;
            });
        }

        @Override
        public void set(String key, String value) {
            queue(() -> {
                FakeRedis.this.set(key, value);
                return "OK";
            });
        }

        @Override
        public void del(String key) {
            queue(() -> {
                FakeRedis.this.del(key);
                return 1L;
            });
        }

        @Override
        public void sadd(String key, String member) {
            queue(() -> {
                FakeRedis.this.sadd(key, member);
                return 1L;
            });
        }

        @Override
        public void publish(String channel, String message) {
            queue(() -> {
                published.add(List.of(channel, message));
                return 0L;
            });
        }

        @Override
        public List<Object> exec() {
            execs++;
            roundTrips++;
            beforeExec.run();
            synchronized (FakeRedis.this) {
                for (Map.Entry<String, Long> watch : watched.entrySet()) {
                    if (version(watch.getKey()) != watch.getValue()) {
                        return null;
                    }
                }
                List<Object> replies = new ArrayList<>();
                queued.forEach(command -> replies.add(command.get()));
                return replies;
            }
        }

        @Override
        public void close() {
        }
    }
}
