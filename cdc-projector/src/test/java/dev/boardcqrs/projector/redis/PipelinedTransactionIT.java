package dev.boardcqrs.projector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.common.redis.RedisClients;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.redis.ProjectorRedis.ReplyError;
import dev.boardcqrs.projector.redis.ProjectorRedis.Transaction;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * The projector's MULTI/EXEC, sent in one go with its commands, against a real Redis: replies come back as Jedis
 * builds them (a refused command as a {@link ReplyError}), a watched key's change runs nothing, a command refused
 * while queued aborts it all and says why, and the connection goes back to the pool clean whatever happened (a pool
 * of one, so the next transaction gets the same connection, or a new one).
 */
class PipelinedTransactionIT {
    private static final String KEY = "pipelined:k";

    private RedisClient admin;
    private RedisClient client;
    private JedisProjectorRedis redis;

    @BeforeEach
    void connect() {
        admin = RedisClient.create(SharedServers.redis().url());
        admin.del(KEY, KEY + ":other");
        client = RedisClients.pooled(SharedServers.redis().url(), 1);
        redis = new JedisProjectorRedis(client);
    }

    @AfterEach
    void close() {
        client.close();
        admin.close();
    }

    @Test
    void shouldAnswerEachCommandsReplyAsJedisBuildsItWithARefusedOneAsAnError() {
        String source = "return 'called ' .. KEYS[1] .. ' ' .. ARGV[1]";
        LuaScript script = new LuaScript(source, admin.scriptLoad(source));
        admin.set(KEY + ":other", "not a hash");
        try (Transaction tx = redis.transaction()) {
            tx.watch(KEY);
            tx.multi();
            tx.evalsha(script, List.of(KEY), List.of("7"));
            tx.hset(KEY, "field", "1");
            tx.hset(KEY + ":other", "field", "1"); // WRONGTYPE, at run time
            tx.sadd(KEY + ":set", "member");
            tx.publish("pipelined:channel", "message");

            List<Object> replies = tx.exec();

            assertThat(replies).hasSize(5);
            assertThat(replies.get(0)).isEqualTo("called " + KEY + " 7");
            assertThat(replies.get(1)).isEqualTo(1L);
            assertThat(replies.get(2)).isInstanceOf(ReplyError.class);
            assertThat(((ReplyError) replies.get(2)).message()).startsWith("WRONGTYPE");
            assertThat(replies.get(3)).isEqualTo(1L);
            assertThat(replies.get(4)).isEqualTo(0L);
        }
        assertThat(admin.hget(KEY, "field")).isEqualTo("1");
        admin.del(KEY + ":set");
    }

    @Test
    void shouldRunNothingWhenAWatchedKeyChangedAndLeaveNoWatchBehind() {
        try (Transaction tx = redis.transaction()) {
            tx.watch(KEY);
            admin.set(KEY, "changed by another client");
            tx.multi();
            tx.set(KEY, "mine");
            assertThat(tx.exec()).isNull();
        }
        assertThat(admin.get(KEY)).isEqualTo("changed by another client");

        try (Transaction watchedOnly = redis.transaction()) {
            watchedOnly.watch(KEY); // and given up: the store found nothing to write
        }
        admin.set(KEY, "changed again");
        assertRuns(redis, "next"); // on the same connection: its WATCH must be gone
        assertThat(admin.get(KEY)).isEqualTo("next");
    }

    @Test
    void shouldRefuseTheWholeTransactionWhenRedisRefusesACommandWhileQueuingIt() {
        admin.sendCommand(Protocol.Command.ACL, "SETUSER", "no-sadd", "on", ">secret", "~*", "&*", "+@all", "-sadd");
        try (RedisClient restricted = RedisClients.pooled(SharedServers.redis().url()
                .replace("redis://", "redis://no-sadd:secret@"), 1)) {
            JedisProjectorRedis limited = new JedisProjectorRedis(restricted);
            try (Transaction tx = limited.transaction()) {
                tx.multi();
                tx.set(KEY, "never");
                tx.sadd(KEY + ":set", "member");
                assertThatThrownBy(tx::exec).isInstanceOf(RefusedByRedisException.class)
                        .hasMessageContaining("EXECABORT").hasMessageContaining("command 2").hasMessageContaining("sadd");
            }
            assertThat(admin.get(KEY)).isNull();
            assertRuns(limited, "after");
        }
        assertThat(admin.get(KEY)).isEqualTo("after");
    }

    @Test
    void shouldNotHandOnAConnectionWithRepliesNobodyRead() {
        try (Transaction abandoned = redis.transaction()) {
            abandoned.multi();
            abandoned.set(KEY, "abandoned"); // then planning the batch failed: no EXEC
        }
        assertRuns(redis, "next");
        assertThat(admin.get(KEY)).isEqualTo("next");
    }

    /** A transaction of one SET on a connection of {@code redis}' pool of one runs. */
    private static void assertRuns(JedisProjectorRedis redis, String value) {
        try (Transaction next = redis.transaction()) {
            next.multi();
            next.set(KEY, value);
            assertThat(next.exec()).containsExactly("OK");
        }
    }
}
