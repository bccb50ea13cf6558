package dev.boardcqrs.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlNumbersTest {

    @Test
    void oneNumberNeedsNoDigits() {
        assertThat(SqlNumbers.rows(7, 7)).isEqualTo("(SELECT 7 AS seq) AS numbers");
    }

    @Test
    void joinsOneDigitTablePerDecimalPlaceOfTheRange() {
        String thousand = SqlNumbers.rows(101, 1100);
        assertThat(thousand).contains("101 + 1 * d0.d + 10 * d1.d + 100 * d2.d AS seq").contains("WHERE seq <= 1100")
                .doesNotContain("d3");
    }

    @Test
    void anEmptyRangeIsRefused() {
        assertThatThrownBy(() -> SqlNumbers.rows(5, 4)).hasMessageContaining("from 5 to 4");
    }
}
