package dev.boardcqrs.projector.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.common.source.Positions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Search versions order changes as their positions do, so the engine refuses exactly the older ones. */
class SearchVersionsTest {

    @Test
    void shouldOrderVersionsAsTheirPositionsSort() {
        Random random = new Random(17);
        List<String> positions = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            long file = random.nextInt(3) + 1;
            long position = random.nextInt(4) * 1_000_000_000L + random.nextInt(1000);
            positions.add(random.nextInt(10) == 0 ? Positions.snapshot(file, position)
                    : Positions.stream(file, position, random.nextInt(1000), random.nextInt(50)));
        }
        positions.sort(Comparator.naturalOrder());
        for (int i = 1; i < positions.size(); i++) {
            assertThat(SearchVersions.of(positions.get(i)))
                    .as("%s after %s", positions.get(i), positions.get(i - 1))
                    .isGreaterThanOrEqualTo(SearchVersions.of(positions.get(i - 1)));
        }
    }

    @Test
    void shouldGiveLaterTransactionsAndLaterEventsHigherVersions() {
        assertThat(SearchVersions.of(Positions.stream(7, 500, 0, 0)))
                .isGreaterThan(SearchVersions.of(Positions.snapshot(7, 500)))
                .isGreaterThan(SearchVersions.of(Positions.stream(7, 499, 900, 3)))
                .isGreaterThan(SearchVersions.of(Positions.stream(6, 4_000_000_000L, 5, 0)));
        assertThat(SearchVersions.of(Positions.stream(7, 500, 3, 0)))
                .isGreaterThan(SearchVersions.of(Positions.stream(7, 500, 2, 9)));
    }

    @Test
    void shouldKeepTheHighestFileAndPositionPositive() {
        assertThat(SearchVersions.of(Positions.stream((1L << 20) - 1, (1L << 32) - 1, 999_999, 999_999)))
                .isPositive();
        assertThatThrownBy(() -> SearchVersions.of(Positions.stream(1L << 20, 4, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beyond");
        assertThatThrownBy(() -> SearchVersions.of(Positions.stream(1, 1L << 32, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beyond");
    }
}
