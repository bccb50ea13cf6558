package dev.boardcqrs.common.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PositionsTest {

    @Test
    void shouldWriteFixedWidthKeysThatSortLikeTheBinlog() {
        assertThat(Positions.stream(3, 1234, 2, 1)).isEqualTo("00000000030000000001234" + "1" + "000002" + "000001");
        assertThat(Positions.snapshot(3, 1234)).isEqualTo("00000000030000000001234" + "0");
        assertThat(Positions.snapshotRow(Positions.snapshot(3, 1234), 42)).isEqualTo("000000000300000000012340S000000000042");
        assertThat(Positions.stream(3, 999, 0, 0)).isLessThan(Positions.stream(3, 1000, 0, 0));
        assertThat(Positions.stream(2, 9_999_999, 9, 9)).isLessThan(Positions.stream(3, 4, 0, 0));
        assertThat(Positions.snapshot(3, 1234)).isLessThan(Positions.stream(3, 1234, 0, 0));
    }

    @Test
    void shouldPutAReadAtAPositionAfterEveryChangeBeforeIt() {
        assertThat(Positions.readAt("mariadb-bin.000003", 1234)).isGreaterThan(Positions.stream(3, 1233, 7, 7))
                .isLessThan(Positions.stream(3, 1234, 0, 0));
    }
}
