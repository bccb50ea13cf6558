package dev.boardcqrs.projector.source.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.projector.generation.Generation;
import org.junit.jupiter.api.Test;

/** Binlog readers that run at once never share a server id, whichever generations they fill. */
class ServerIdsTest {
    private final ServerIds ids = new ServerIds(5400);

    @Test
    void shouldGiveConsecutiveGenerationsTheirOwnIds() {
        assertThat(ids.acquire(new Generation(3))).isNotEqualTo(ids.acquire(new Generation(4)));
    }

    @Test
    void shouldGiveARebuildThatSkippedANumberAnotherIdThanTheServingGeneration() {
        long serving = ids.acquire(new Generation(7)); // g8 was interrupted by a stop: the rebuild is g9
        long rebuilding = ids.acquire(new Generation(9));

        assertThat(rebuilding).isNotEqualTo(serving);
    }

    @Test
    void shouldReuseAnIdOnceItsReaderClosed() {
        long first = ids.acquire(new Generation(1));
        ids.release(first);

        assertThat(ids.acquire(new Generation(1))).isEqualTo(first);
    }

    @Test
    void shouldRefuseAThirdReader() {
        ids.acquire(new Generation(1));
        ids.acquire(new Generation(2));

        assertThatThrownBy(() -> ids.acquire(new Generation(3))).isInstanceOf(IllegalStateException.class);
    }
}
