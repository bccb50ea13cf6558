package dev.boardcqrs.projector.redis;

import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.projector.redis.ProjectorRedis.ReplyError;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Builder;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A WATCH and MULTI/EXEC on one connection of the pool that sends EXEC right behind the queued commands and then
 * reads every reply: the whole MULTI/EXEC is one round trip. Jedis' own transaction reads the commands' QUEUED
 * replies before it sends EXEC, which costs every batch a second round trip (a quarter of the projector's time
 * with Redis). The replies are built as Jedis builds them.
 */
final class PipelinedTransaction implements ProjectorRedis.Transaction {
    private static final CommandObjects COMMANDS = new CommandObjects();

    private final Connection connection;
    private final List<Builder<?>> builders = new ArrayList<>();
    private boolean watching;
    private boolean inMulti;

    PipelinedTransaction(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void watch(String... keys) {
        JedisProjectorRedis.call(() -> {
            connection.sendCommand(Protocol.Command.WATCH, keys);
            watching = true;
            return connection.getStatusCodeReply();
        });
    }

    @Override
    public void multi() {
        connection.sendCommand(Protocol.Command.MULTI);
        inMulti = true;
    }

    private void queue(CommandObject<?> command) {
        if (!inMulti) {
            throw new IllegalStateException("a command queued before MULTI");
        }
        connection.sendCommand(command.getArguments());
        builders.add(command.getBuilder());
    }

    @Override
    public void evalsha(LuaScript script, List<String> keys, List<String> args) {
        queue(COMMANDS.evalsha(script.sha(), keys, args));
    }

    @Override
    public void hset(String key, String field, String value) {
        queue(COMMANDS.hset(key, field, value));
    }

    @Override
    public void set(String key, String value) {
        queue(COMMANDS.set(key, value));
    }

    @Override
    public void del(String key) {
        queue(COMMANDS.del(key));
    }

    @Override
    public void sadd(String key, String member) {
        queue(COMMANDS.sadd(key, member));
    }

    @Override
    public void publish(String channel, String message) {
        queue(COMMANDS.publish(channel, message));
    }

    @Override
    public List<Object> exec() {
        if (!inMulti) {
            throw new IllegalStateException("EXEC without MULTI");
        }
        return JedisProjectorRedis.call(() -> {
            connection.sendCommand(Protocol.Command.EXEC);
            inMulti = false;
            watching = false; // EXEC ends the WATCH, whatever it answers
            // MULTI's OK, a QUEUED (or the error that refused it) per command, then EXEC's own reply
            List<Object> replies = connection.getMany(builders.size() + 2);
            Object executed = replies.get(replies.size() - 1);
            if (executed instanceof JedisDataException aborted) {
                throw new JedisDataException(aborted.getMessage() + firstRefusal(replies));
            }
            if (executed == null) {
                return null; // a watched key changed: nothing ran
            }
            return built((List<?>) executed);
        });
    }

    /** EXECABORT alone does not say which command was refused at queueing, nor why. */
    private static String firstRefusal(List<Object> replies) {
        for (int i = 0; i < replies.size() - 1; i++) {
            if (replies.get(i) instanceof JedisDataException refused) {
                return " (command " + i + " of the transaction: " + refused.getMessage() + ")";
            }
        }
        return "";
    }

    private List<Object> built(List<?> executed) {
        List<Object> results = new ArrayList<>(executed.size());
        for (int i = 0; i < executed.size(); i++) {
            Object reply = executed.get(i);
            if (reply instanceof JedisDataException error) {
                results.add(new ReplyError(error.getMessage()));
            } else {
                results.add(reply == null ? null : builders.get(i).build(reply));
            }
        }
        return results;
    }

    @Override
    public void close() {
        try {
            if (inMulti) {
                // queued commands whose replies nobody read: the connection cannot serve anyone else
                connection.setBroken();
            } else if (watching) {
                JedisProjectorRedis.call(() -> {
                    connection.sendCommand(Protocol.Command.UNWATCH);
                    return connection.getStatusCodeReply();
                });
            }
        } finally {
            connection.close();
        }
    }
}
