package dev.boardcqrs.projector.redis;

import static dev.boardcqrs.projector.redis.JedisProjectorRedis.call;

import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.projector.redis.ProjectorRedis.Begun;
import dev.boardcqrs.projector.redis.ProjectorRedis.Commands;
import dev.boardcqrs.projector.redis.ProjectorRedis.CommitPipeline;
import dev.boardcqrs.projector.redis.ProjectorRedis.Executed;
import dev.boardcqrs.projector.redis.ProjectorRedis.Read;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol.Command;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * {@link CommitPipeline} on one pooled Jedis connection, below Jedis' own transaction (which reads each command's
 * QUEUED reply before it sends EXEC, and waits for EXEC's reply before anything else may be sent).
 */
final class JedisCommitPipeline implements CommitPipeline {
    private final Connection connection;
    // what begin queued and replies has not read: the reads' count, the script check's, and the commands'
    private int reads;
    private boolean checksScripts;
    private int queued;
    private boolean begun;
    // an EXEC sent whose reply is not read yet
    private boolean execUnread;
    // a MULTI sent and neither run nor discarded: the connection must not go back to the pool as it is
    private boolean inMulti;

    JedisCommitPipeline(Connection connection) {
        this.connection = connection;
    }

    @Override
    public Commands begin(List<String> watched, Collection<LuaScript> scripts, List<Read> reads) {
        if (begun) {
            throw new IllegalStateException("a transaction is begun already");
        }
        List<LuaScript> list = List.copyOf(scripts);
        call(() -> {
            connection.sendCommand(new CommandArguments(Command.WATCH).keys(watched.toArray()));
            if (!list.isEmpty()) {
                connection.sendCommand(JedisProjectorRedis.scriptsExist(list));
            }
            reads.forEach(read -> connection.sendCommand(JedisProjectorRedis.command(read)));
            connection.sendCommand(new CommandArguments(Command.MULTI));
            return null;
        });
        this.begun = true;
        this.inMulti = true;
        this.checksScripts = !list.isEmpty();
        this.reads = reads.size();
        this.queued = 0;
        return new Queue();
    }

    @Override
    public Begun replies() {
        if (!begun) {
            throw new IllegalStateException("no transaction is begun");
        }
        int expected = (execUnread ? 1 : 0) + 1 + (checksScripts ? 1 : 0) + reads + 1 + queued;
        List<Object> replies = call(() -> connection.getMany(expected));
        int at = 0;
        Executed previous = null;
        if (execUnread) {
            previous = executed(replies.get(at++));
            execUnread = false;
        }
        failIfRefused(replies.get(at++)); // WATCH
        boolean known = true;
        if (checksScripts) {
            Object check = failIfRefused(replies.get(at++));
            known = BuilderFactory.BOOLEAN_LIST.build(check).stream().allMatch(Boolean::booleanValue);
        }
        List<String> values = new ArrayList<>(reads);
        for (int i = 0; i < reads; i++) {
            values.add(BuilderFactory.STRING.build(failIfRefused(replies.get(at++))));
        }
        failIfRefused(replies.get(at++)); // MULTI
        String refused = null;
        for (; at < replies.size() && refused == null; at++) {
            if (replies.get(at) instanceof JedisDataException error) {
                refused = error.getMessage();
            }
        }
        return new Begun(previous, known, values, refused);
    }

    @Override
    public void exec() {
        end(Command.EXEC);
        call(() -> connection.getMany(0)); // sends it; the reply is read later
        execUnread = true;
    }

    @Override
    public void discard() {
        end(Command.DISCARD);
        failIfRefused(call(() -> connection.getMany(1)).get(0));
    }

    private void end(Command command) {
        if (!begun) {
            throw new IllegalStateException("no transaction is begun");
        }
        call(() -> {
            connection.sendCommand(new CommandArguments(command));
            return null;
        });
        begun = false;
        inMulti = false;
    }

    @Override
    public Executed finish() {
        if (!execUnread) {
            return null;
        }
        execUnread = false;
        return executed(call(() -> connection.getMany(1)).get(0));
    }

    @Override
    public void close() {
        try {
            if (inMulti || begun) {
                connection.setBroken(); // mid-way: Redis drops its MULTI with the connection
            } else if (execUnread && !connection.isBroken()) {
                call(() -> connection.getMany(1));
            }
        } catch (RuntimeException e) {
            connection.setBroken();
        } finally {
            connection.close(); // a broken one is destroyed by its pool
        }
    }

    @SuppressWarnings("unchecked")
    private static Executed executed(Object reply) {
        failIfRefused(reply); // EXECABORT: not sent once a command was refused to queue
        return new Executed(JedisProjectorRedis.translated((List<Object>) reply));
    }

    private static Object failIfRefused(Object reply) {
        if (reply instanceof JedisDataException refused) {
            throw new RefusedByRedisException(refused.getMessage());
        }
        return reply;
    }

    /** The begun transaction's commands, sent (buffered) as they come. */
    private final class Queue implements Commands {
        private void send(CommandArguments command) {
            call(() -> {
                connection.sendCommand(command);
                return null;
            });
            queued++;
        }

        @Override
        public void evalsha(LuaScript script, List<String> keys, List<String> args) {
            send(new CommandArguments(Command.EVALSHA).add(script.sha()).add(keys.size()).keys(keys.toArray())
                    .addObjects(args));
        }

        @Override
        public void hset(String key, String field, String value) {
            send(new CommandArguments(Command.HSET).key(key).add(field).add(value));
        }

        @Override
        public void set(String key, String value) {
            send(new CommandArguments(Command.SET).key(key).add(value));
        }

        @Override
        public void del(String key) {
            send(new CommandArguments(Command.DEL).key(key));
        }

        @Override
        public void sadd(String key, String member) {
            send(new CommandArguments(Command.SADD).key(key).add(member));
        }

        @Override
        public void publish(String channel, String message) {
            send(new CommandArguments(Command.PUBLISH).add(channel).add(message));
        }
    }
}
