package dev.boardcqrs.projector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.store.StoreBatch;
import dev.boardcqrs.projector.store.StoreBatch.Building;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * The applied GTID set a batch publishes for query-api's waiting token reads, against a real Redis: a subscriber
 * gets it once the batch's EXEC ran (the meta holds it by then), and a user an ACL refuses the channel still
 * commits its batches, without the message.
 */
class AppliedSetPublishIT {
    private static final Duration SOON = Duration.ofSeconds(5);

    @Test
    void shouldPublishTheAppliedSetOnceTheBatchIsInRedis() throws Exception {
        KeyScheme generation = new KeyScheme("published").inGeneration("g1");
        try (RedisClient redis = client(null)) {
            serving(redis, generation);
            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            Subscriber subscriber = new Subscriber(redis, generation, seen);
            try (Jedis connection = new Jedis(URI.create(SharedServers.redis().url()))) {
                Thread listening = new Thread(() -> connection.subscribe(subscriber, generation.appliedChannel()));
                listening.start();
                await().atMost(SOON).until(subscriber::isSubscribed);
                RedisStore store = new RedisStore(new JedisProjectorRedis(redis), generation, List.of());

                store.commit(new StoreBatch(List.of(), "w1", "w2", Building.UNCHANGED, "0-1-7"), refusals -> { });

                assertThat(seen.poll(5, TimeUnit.SECONDS)).as("asked whether it may").isEqualTo("");
                assertThat(seen.poll(5, TimeUnit.SECONDS)).as("the meta when it came").isEqualTo("0-1-7 in 0-1-7");
                subscriber.unsubscribe();
                listening.join(TimeUnit.SECONDS.toMillis(5));
            }
        }
    }

    @Test
    void shouldCommitWithoutPublishingForAUserWhoseAclRefusesTheChannel() throws Exception {
        KeyScheme generation = new KeyScheme("unpublished").inGeneration("g1");
        try (RedisClient admin = client(null)) {
            admin.sendCommand(Protocol.Command.ACL, "SETUSER", "no-channels", "on", ">secret", "~*", "resetchannels",
                    "+@all");
            serving(admin, generation);
            try (RedisClient restricted = client("no-channels:secret@")) {
                RedisStore store = new RedisStore(new JedisProjectorRedis(restricted), generation, List.of());

                store.commit(new StoreBatch(List.of(), "w1", "w2", Building.UNCHANGED, "0-1-7"), refusals -> { });
                store.commit(new StoreBatch(List.of(), "w2", "w3", Building.UNCHANGED, "0-1-8"), refusals -> { });

                assertThat(admin.hget(generation.meta(), "watermark")).isEqualTo("w3");
                assertThat(admin.hget(generation.meta(), KeyScheme.APPLIED_GTIDS)).isEqualTo("0-1-8");
            }
        }
    }

    private static void serving(RedisClient redis, KeyScheme generation) {
        redis.del(generation.meta());
        redis.set(new KeyScheme(generation.namespace()).active(), generation.generation());
        redis.hset(generation.meta(), "watermark", "w1");
        redis.hset(generation.meta(), "building", "0");
    }

    private static RedisClient client(String userInfo) {
        String url = SharedServers.redis().url();
        return RedisClient.create(URI.create(userInfo == null ? url : url.replace("redis://", "redis://" + userInfo)));
    }

    /** Records each message with what the meta held when it came: "message in gtids". */
    private static final class Subscriber extends JedisPubSub {
        private final RedisClient redis;
        private final KeyScheme generation;
        private final BlockingQueue<String> seen;

        Subscriber(RedisClient redis, KeyScheme generation, BlockingQueue<String> seen) {
            this.redis = redis;
            this.generation = generation;
            this.seen = seen;
        }

        @Override
        public void onMessage(String channel, String message) {
            String meta = redis.hget(generation.meta(), KeyScheme.APPLIED_GTIDS);
            seen.add(message.isEmpty() ? "" : message + " in " + meta);
        }
    }
}
