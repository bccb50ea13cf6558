package dev.boardcqrs.projector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.board.BoardProjection;
import dev.boardcqrs.projector.board.BoardWrite;
import dev.boardcqrs.projector.board.BoardWrite.CountChange;
import dev.boardcqrs.projector.board.BoardWrite.Kind;
import dev.boardcqrs.projector.redis.RedisProjection.Planned;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Streamed comment and like counts share one script call per run of changes, against a real Redis: the
 * changes apply in order, a change Redis refuses is refused alone while the rest of its group still applies
 * (as with one call per change), and retrying the whole group (as a dead-letter retry does) counts each change
 * exactly once.
 */
class GroupedCountChangesIT {
    private static final KeyScheme GENERATION = new KeyScheme("grouped").inGeneration("g1");
    private static final BoardKeys KEYS = BoardKeys.in(GENERATION);

    @Test
    void shouldRefuseOnlyTheBrokenChangeOfAGroupAndCountEachChangeOnceWhenRetried() {
        try (RedisClient redis = RedisClient.create(URI.create(SharedServers.redis().url()))) {
            for (long id = 1; id <= 3; id++) {
                redis.del(KEYS.article(id));
                redis.hset(KEYS.article(id), Map.of("articleId", Long.toString(id), "commentCount", "0",
                        "likeCount", "0", "_pos", "p00"));
            }
            // something else broke article 2's count (HINCRBY fails there, in the middle of the group) and wrote
            // a string where article 4's model belongs (every command on it fails)
            redis.hset(KEYS.article(2), "commentCount", "not a number");
            redis.del(KEYS.article(4));
            redis.set(KEYS.article(4), "not a model");
            RedisStore store = new RedisStore(new JedisProjectorRedis(redis), GENERATION, List.of());
            BoardProjection board = new BoardProjection(Duration.ofHours(1), 100, ListGuard.OWNER);
            List<Planned<BoardWrite>> group = new ArrayList<>();
            group.add(comment(1, "p01"));
            group.add(comment(1, "p02"));
            group.add(comment(2, "p03"));
            group.add(comment(4, "p04"));
            group.add(comment(3, "p05"));

            assertThatThrownBy(() -> store.applyAlone(board, group)).isInstanceOf(RefusedByRedisException.class)
                    .hasMessageContaining("not an integer");
            assertThat(redis.hget(KEYS.article(1), "commentCount")).as("both changes, in order").isEqualTo("2");
            assertThat(redis.hget(KEYS.article(3), "commentCount")).as("after the refused changes").isEqualTo("1");
            assertThat(redis.get(KEYS.article(4))).isEqualTo("not a model");

            redis.hset(KEYS.article(2), "commentCount", "0");
            redis.del(KEYS.article(4));
            store.applyAlone(board, group);
            assertThat(redis.hget(KEYS.article(1), "commentCount")).as("skipped by its position").isEqualTo("2");
            assertThat(redis.hget(KEYS.article(2), "commentCount")).isEqualTo("1");
            assertThat(redis.hget(KEYS.article(3), "commentCount")).as("skipped by its position").isEqualTo("1");

            store.applyAlone(board, group);
            assertThat(List.of(1L, 2L, 3L).stream().map(id -> redis.hget(KEYS.article(id), "commentCount")))
                    .as("the same group again changes nothing").containsExactly("2", "1", "1");
        }
    }

    private static Planned<BoardWrite> comment(long articleId, String position) {
        return new Planned<>(new CountChange(Kind.COMMENT, articleId, 1), position, false);
    }
}
