package dev.boardcqrs.projector.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.projector.redis.FakeRedis;
import org.junit.jupiter.api.Test;

class GenerationsTest {
    private final FakeRedis redis = new FakeRedis();
    private final Generations generations = new Generations(redis, KeyScheme.DEFAULT_NAMESPACE);

    @Test
    void shouldNumberNewGenerationsAboveTheHighestThisProcessUsed() {
        assertThat(generations.next(0)).isEqualTo(new Generation(1));
        // Redis lost its data: the counter starts again, but generation 7 was in use a moment ago
        redis.del(new KeyScheme(KeyScheme.DEFAULT_NAMESPACE).generations());

        assertThat(generations.next(7)).isEqualTo(new Generation(8));
        assertThat(generations.next(8)).isEqualTo(new Generation(9));
    }

    @Test
    void shouldGiveTwoInstancesThatFindTheLossAtOnceDifferentNumbers() {
        // both find the counter restarted after a flush, each with generation 5 as its highest; the second asks
        // while the first is between its two steps
        Generation[] second = new Generation[1];
        redis.afterIncrBy = key -> {
            redis.afterIncrBy = ignored -> { };
            second[0] = generations.next(5);
        };

        Generation first = generations.next(5);

        assertThat(first.number()).isGreaterThan(5);
        assertThat(second[0].number()).isGreaterThan(5);
        assertThat(first).isNotEqualTo(second[0]);
    }
}
