package dev.boardcqrs.projector.redis;

import dev.boardcqrs.common.redis.LuaScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.commands.KeyCommands;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/** {@link ProjectorRedis} on Jedis; the one place where Jedis' exceptions become ours. */
public final class JedisProjectorRedis implements ProjectorRedis {
    private static final int SCAN_PAGE = 1000;

    private final UnifiedJedis redis;

    public JedisProjectorRedis(UnifiedJedis redis) {
        this.redis = redis;
    }

    @Override
    public String get(String key) {
        return call(() -> redis.get(key));
    }

    @Override
    public void set(String key, String value) {
        call(() -> redis.set(key, value));
    }

    @Override
    public boolean publish(String channel, String message) {
        try {
            call(() -> redis.publish(channel, message));
            return true;
        } catch (RefusedByRedisException e) {
            if (String.valueOf(e.getMessage()).startsWith("NOPERM")) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public long incrBy(String key, long by) {
        return call(() -> redis.incrBy(key, by));
    }

    @Override
    public void del(String key) {
        call(() -> redis.del(key));
    }

    @Override
    public String hget(String key, String field) {
        return call(() -> redis.hget(key, field));
    }

    @Override
    public Map<String, String> hgetAll(String key) {
        return call(() -> redis.hgetAll(key));
    }

    @Override
    public void hset(String key, String field, String value) {
        call(() -> redis.hset(key, field, value));
    }

    @Override
    public void hdel(String key, String field) {
        call(() -> redis.hdel(key, field));
    }

    @Override
    public Set<String> smembers(String key) {
        return call(() -> redis.smembers(key));
    }

    @Override
    public void set(String key, String value, Duration expiry) {
        call(() -> redis.set(key, value, SetParams.setParams().px(expiry.toMillis())));
    }

    @Override
    public boolean setIfAbsent(String key, String value, Duration expiry) {
        return "OK".equals(call(() -> redis.set(key, value, SetParams.setParams().nx().px(expiry.toMillis()))));
    }

    @Override
    public boolean pexpire(String key, Duration expiry) {
        return call(() -> redis.pexpire(key, expiry.toMillis())) == 1;
    }

    @Override
    public void sadd(String key, String member) {
        call(() -> redis.sadd(key, member));
    }

    @Override
    public void srem(String key, String member) {
        call(() -> redis.srem(key, member));
    }

    @Override
    public void unlink(String... keys) {
        call(() -> redis.unlink(keys));
    }

    @Override
    public long unlinkMatching(String pattern, Predicate<String> keep) {
        long[] removed = {0};
        scan(pattern, page -> {
            String[] unwanted = page.stream().filter(keep.negate()).toArray(String[]::new);
            if (unwanted.length > 0) {
                removed[0] += redis.unlink(unwanted);
            }
        });
        return removed[0];
    }

    @Override
    public long countMatching(String pattern, Predicate<String> counted) {
        long[] count = {0};
        scan(pattern, page -> count[0] += page.stream().filter(counted).count());
        return count[0];
    }

    private void scan(String pattern, java.util.function.Consumer<List<String>> page) {
        scan(redis, pattern, page);
    }

    // the one SCAN loop: a page at a time, so Redis keeps answering others meanwhile
    static void scan(KeyCommands redis, String pattern, java.util.function.Consumer<List<String>> page) {
        call(() -> {
            String cursor = ScanParams.SCAN_POINTER_START;
            ScanParams match = new ScanParams().match(pattern).count(SCAN_PAGE);
            do {
                ScanResult<String> result = redis.scan(cursor, match);
                page.accept(result.getResult());
                cursor = result.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
            return null;
        });
    }

    @Override
    public void loadScripts(Collection<LuaScript> scripts) {
        loadScriptsAndRead(scripts, List.of());
    }

    @Override
    public List<String> loadScriptsAndRead(Collection<LuaScript> scripts, List<Read> reads) {
        List<LuaScript> list = List.copyOf(scripts);
        return call(() -> {
            Response<List<Boolean>> known = null;
            List<Response<String>> values = new ArrayList<>(reads.size());
            try (AbstractPipeline pipeline = redis.pipelined()) {
                if (!list.isEmpty()) {
                    known = pipeline.executeCommand(new CommandObject<>(scriptsExist(list), BuilderFactory.BOOLEAN_LIST));
                }
                for (Read read : reads) {
                    values.add(pipeline.executeCommand(new CommandObject<>(command(read), BuilderFactory.STRING)));
                }
                pipeline.sync();
            }
            loadUnknown(list, known == null ? List.of() : known.get());
            return values.stream().map(Response::get).toList();
        });
    }

    /**
     * On the transaction's connection, WATCH, the scripts' check and the reads go out together and their replies come
     * back together: one round trip where the default takes two. Redis runs a connection's commands in order, so
     * the reads see the watched keys as the watch found them.
     */
    @Override
    public List<String> watchAndRead(Transaction tx, List<String> watched, Collection<LuaScript> scripts,
                                     List<Read> reads) {
        if (!(tx instanceof JedisTransaction jedis) || jedis.connection == null) {
            return ProjectorRedis.super.watchAndRead(tx, watched, scripts, reads);
        }
        List<LuaScript> list = List.copyOf(scripts);
        return call(() -> {
            List<CommandArguments> commands = new ArrayList<>(reads.size() + 1);
            if (!list.isEmpty()) {
                commands.add(scriptsExist(list));
            }
            reads.forEach(read -> commands.add(command(read)));
            List<Object> replies = jedis.watchThen(watched, commands);
            int first = 0;
            if (!list.isEmpty()) {
                loadUnknown(list, BuilderFactory.BOOLEAN_LIST.build(replies.get(first++)));
            }
            List<String> values = new ArrayList<>(reads.size());
            for (Object reply : replies.subList(first, replies.size())) {
                values.add(BuilderFactory.STRING.build(reply));
            }
            return values;
        });
    }

    /** GET of a string key, or HGET of a hash's field. */
    private static CommandArguments command(Read read) {
        return read.field() == null ? new CommandArguments(Protocol.Command.GET).key(read.key())
                : new CommandArguments(Protocol.Command.HGET).key(read.key()).add(read.field());
    }

    private static CommandArguments scriptsExist(List<LuaScript> scripts) {
        return new CommandArguments(Protocol.Command.SCRIPT).add(Protocol.Keyword.EXISTS)
                .addObjects(scripts.stream().map(LuaScript::sha).toList());
    }

    /** Loads the scripts SCRIPT EXISTS said Redis does not know ({@code known}, in the order of {@code scripts}). */
    private void loadUnknown(List<LuaScript> scripts, List<Boolean> known) {
        for (int i = 0; i < known.size(); i++) {
            if (!known.get(i)) {
                redis.scriptLoad(scripts.get(i).source());
            }
        }
    }

    @Override
    public Map<String, String> config(String pattern) {
        try {
            return call(() -> redis.executeCommand(new CommandObject<>(new CommandArguments(Protocol.Command.CONFIG)
                    .add("GET").add(pattern), BuilderFactory.STRING_MAP)));
        } catch (RefusedByRedisException e) {
            return Map.of();
        }
    }

    @Override
    public Transaction transaction() {
        if (redis instanceof RedisClient client) {
            // the pooled connection in hand, so watchAndRead can send on it; closing the transaction returns it
            Connection connection = call(() -> client.getPool().getResource());
            return new JedisTransaction(new redis.clients.jedis.Transaction(connection, false, true), connection);
        }
        return new JedisTransaction(call(() -> redis.transaction(false)), null);
    }

    @Override
    public String xadd(String key, Map<String, String> fields) {
        return call(() -> redis.xadd(key, StreamEntryID.NEW_ENTRY, fields).toString());
    }

    @Override
    public List<StreamEntry> xrange(String key) {
        return call(() -> redis.xrange(key, "-", "+").stream()
                .map(entry -> new StreamEntry(entry.getID().toString(), entry.getFields())).toList());
    }

    @Override
    public void xdel(String key, String id) {
        call(() -> redis.xdel(key, new StreamEntryID(id)));
    }

    @Override
    public long xlen(String key) {
        return call(() -> redis.xlen(key));
    }

    /** Runs a Jedis command, its exceptions translated into ours. */
    static <T> T call(Supplier<T> command) {
        try {
            return command.get();
        } catch (JedisConnectionException e) {
            throw new RedisUnavailableException(e.getMessage(), e);
        } catch (JedisDataException e) {
            throw new RefusedByRedisException(e.getMessage());
        }
    }

    /** EXEC's replies with a refused command's error as a {@link ReplyError}; null (nothing ran) stays null. */
    static List<Object> translated(List<Object> replies) {
        if (replies == null) {
            return null;
        }
        List<Object> translated = new ArrayList<>(replies.size());
        for (Object reply : replies) {
            translated.add(reply instanceof JedisDataException error ? new ReplyError(error.getMessage()) : reply);
        }
        return translated;
    }

    private static final class JedisTransaction implements Transaction {
        private final AbstractTransaction tx;
        // the transaction's connection, when known: watchThen sends on it
        private final Connection connection;
        // a WATCH sent past Jedis (watchThen), which Jedis does not know to undo when no MULTI follows
        private boolean watchedPastJedis;
        private boolean multi;

        JedisTransaction(AbstractTransaction tx, Connection connection) {
            this.tx = tx;
            this.connection = connection;
        }

        /** WATCH, then {@code commands}, sent together on the transaction's connection; answers their replies. */
        List<Object> watchThen(List<String> watched, List<CommandArguments> commands) {
            connection.sendCommand(new CommandArguments(Protocol.Command.WATCH).keys(watched.toArray()));
            watchedPastJedis = true;
            commands.forEach(connection::sendCommand);
            List<Object> replies = connection.getMany(1 + commands.size());
            for (Object reply : replies) {
                if (reply instanceof JedisDataException refused) {
                    throw refused;
                }
            }
            return replies.subList(1, replies.size());
        }

        @Override
        public void watch(String... keys) {
            call(() -> tx.watch(keys));
        }

        @Override
        public void multi() {
            call(() -> {
                tx.multi();
                multi = true; // from here on EXEC or Jedis' DISCARD ends the watch
                return null;
            });
        }

        @Override
        public void evalsha(LuaScript script, List<String> keys, List<String> args) {
            call(() -> tx.evalsha(script.sha(), keys, args));
        }

        @Override
        public void hset(String key, String field, String value) {
            call(() -> tx.hset(key, field, value));
        }

        @Override
        public void set(String key, String value) {
            call(() -> tx.set(key, value));
        }

        @Override
        public void del(String key) {
            call(() -> tx.del(key));
        }

        @Override
        public void sadd(String key, String member) {
            call(() -> tx.sadd(key, member));
        }

        @Override
        public void publish(String channel, String message) {
            call(() -> tx.publish(channel, message));
        }

        @Override
        public List<Object> exec() {
            return translated(call(tx::exec));
        }

        @Override
        public void close() {
            call(() -> {
                try {
                    if (watchedPastJedis && !multi && !connection.isBroken()) {
                        tx.unwatch(); // else the pooled connection would carry the watch into its next transaction
                    }
                } finally {
                    tx.close();
                }
                return null;
            });
        }
    }
}
