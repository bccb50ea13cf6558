package dev.boardcqrs.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QueryApiObserverTest {
    @Test
    void shouldCountTheWrittenTitleOrALaterOneOfTheSameRunAsSeen() {
        assertThat(QueryApiObserver.showsOrLater("{\"articleId\":7,\"title\":\"fresh-3-120\",\"content\":\"c\"}",
                "fresh-3-120")).isTrue();
        assertThat(QueryApiObserver.showsOrLater("{\"title\":\"fresh-3-1400\"}", "fresh-3-120"))
                .as("a later write of the same run").isTrue();
    }

    @Test
    void shouldNotCountAnEarlierTitleOrOneOfAnotherRunAsSeen() {
        assertThat(QueryApiObserver.showsOrLater("{\"title\":\"fresh-3-100\"}", "fresh-3-120")).isFalse();
        assertThat(QueryApiObserver.showsOrLater("{\"title\":\"fresh-2-900\"}", "fresh-3-120")).isFalse();
        assertThat(QueryApiObserver.showsOrLater("{\"title\":\"fresh-31-900\"}", "fresh-3-120")).isFalse();
        assertThat(QueryApiObserver.showsOrLater("{\"title\":\"Seeded article 7\"}", "fresh-3-120")).isFalse();
    }

    @Test
    void shouldAskEveryQuarterMillisecondAtFirstAndThenLessOftenTheLongerItWaitedAtMostEvery20Ms() {
        assertThat(QueryApiObserver.pause(0)).isEqualTo(250_000);
        assertThat(QueryApiObserver.pause(TimeUnit.MILLISECONDS.toNanos(10))).as("below 2%% of 10 ms").isEqualTo(250_000);
        assertThat(QueryApiObserver.pause(TimeUnit.MILLISECONDS.toNanos(100))).isEqualTo(2_000_000);
        assertThat(QueryApiObserver.pause(TimeUnit.SECONDS.toNanos(5))).isEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
    }
}
