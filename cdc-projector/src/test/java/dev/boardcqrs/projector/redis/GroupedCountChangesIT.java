package dev.boardcqrs.projector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.common.board.KeyScheme;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.board.ModelOp.CountChange;
import dev.boardcqrs.projector.board.ModelOp.Kind;
import dev.boardcqrs.projector.redis.RedisModelWriter.Planned;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Streamed comment and like counts share one script call per run of changes, against a real Redis: the
 * changes apply in order, a call Redis refuses halfway leaves what it applied, and retrying the whole group
 * (as a dead-letter retry does) counts each change exactly once.
 */
class GroupedCountChangesIT {
    private static final KeyScheme KEYS = new KeyScheme("grouped").inGeneration("g1");

    @Test
    void shouldApplyAGroupInOrderAndRetryARefusedOneWithoutCountingAnyChangeTwice() {
        try (RedisClient redis = RedisClient.create(URI.create(SharedServers.redis().url()))) {
            for (long id = 1; id <= 3; id++) {
                redis.del(KEYS.article(id));
                redis.hset(KEYS.article(id), Map.of("articleId", Long.toString(id), "commentCount", "0",
                        "likeCount", "0", "_pos", "p00"));
            }
            // something else broke article 2's count: HINCRBY fails there, in the middle of the group
            redis.hset(KEYS.article(2), "commentCount", "not a number");
            RedisModelWriter writer = new RedisModelWriter(redis, KEYS, Duration.ofHours(1), 100);
            List<Planned> group = new ArrayList<>();
            group.add(comment(1, "p01"));
            group.add(comment(1, "p02"));
            group.add(comment(2, "p03"));
            group.add(comment(3, "p04"));

            assertThatThrownBy(() -> writer.applyAlone(group)).isInstanceOf(JedisDataException.class);
            assertThat(redis.hget(KEYS.article(1), "commentCount")).as("applied before the failure, in order").isEqualTo("2");
            assertThat(redis.hget(KEYS.article(3), "commentCount")).as("after the failure: not reached").isEqualTo("0");

            redis.hset(KEYS.article(2), "commentCount", "0");
            writer.applyAlone(group);
            assertThat(redis.hget(KEYS.article(1), "commentCount")).as("skipped by its position").isEqualTo("2");
            assertThat(redis.hget(KEYS.article(2), "commentCount")).isEqualTo("1");
            assertThat(redis.hget(KEYS.article(3), "commentCount")).isEqualTo("1");

            writer.applyAlone(group);
            assertThat(List.of(1L, 2L, 3L).stream().map(id -> redis.hget(KEYS.article(id), "commentCount")))
                    .as("the same group again changes nothing").containsExactly("2", "1", "1");
        }
    }

    private static Planned comment(long articleId, String position) {
        return new Planned(new CountChange(Kind.COMMENT, articleId, 1), position, false);
    }
}
