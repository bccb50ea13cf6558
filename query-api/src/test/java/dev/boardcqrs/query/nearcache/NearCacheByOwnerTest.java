package dev.boardcqrs.query.nearcache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NearCacheByOwnerTest {
    private NearCacheByOwner<String, String> cache;

    @BeforeEach
    void serving() {
        cache = new NearCacheByOwner<>(1024 * 1024, String::length);
        cache.serve();
    }

    @Test
    void shouldForgetTheChangedOwnersReadsAndKeepEveryoneElses() {
        keep("board:7", "board:7 page 1", "a");
        keep("board:7", "board:7 page 2", "b");
        keep("board:8", "board:8 page 1", "c");
        keep("writer:7", "writer:7 page 1", "d");

        cache.ownerChanged("board:7");

        assertThat(cache.get("board:7 page 1")).isNull();
        assertThat(cache.get("board:7 page 2")).isNull();
        assertThat(cache.get("board:8 page 1")).isEqualTo("c");
        assertThat(cache.get("writer:7 page 1")).isEqualTo("d");
    }

    @Test
    void shouldNotKeepAReadThatItsOwnersChangeOvertook() {
        NearCacheByOwner.Reservation reservation = cache.reserve("board:7", "board:7 page 1");
        cache.ownerChanged("board:7"); // the list changed while the read was on its way
        cache.store("board:7 page 1", reservation, "a");

        assertThat(cache.get("board:7 page 1")).isNull();
    }

    @Test
    void shouldForgetAReadKeptAfterAChangeOnTheOwnersNextChange() {
        keep("board:7", "board:7 page 1", "a");
        cache.ownerChanged("board:7");
        keep("board:7", "board:7 page 1", "b");
        assertThat(cache.get("board:7 page 1")).isEqualTo("b");

        cache.ownerChanged("board:7");

        assertThat(cache.get("board:7 page 1")).isNull();
    }

    @Test
    void shouldDropTheReadsOfTheOwnerAModelKeyNames() {
        InvalidationTarget target = cache.invalidatedBy(key -> key.startsWith("board:") ? key.replace(":articles", "")
                : null);
        keep("board:7", "board:7 page 1", "a");
        keep("board:8", "board:8 page 1", "b");

        target.modelKeyChanged("article:12"); // names no owner
        target.modelKeyChanged("board:7:articles");

        assertThat(cache.get("board:7 page 1")).isNull();
        assertThat(cache.get("board:8 page 1")).isEqualTo("b");
    }

    @Test
    void shouldNotKeepAReadThatADropOfEverythingOvertook() {
        NearCacheByOwner.Reservation reservation = cache.reserve("board:7", "board:7 page 1");
        cache.clear();
        cache.store("board:7 page 1", reservation, "a");

        assertThat(cache.get("board:7 page 1")).isNull();
    }

    @Test
    void shouldAnswerAndKeepNothingWhileStopped() {
        keep("board:7", "board:7 page 1", "a");

        cache.stop();

        assertThat(cache.get("board:7 page 1")).isNull();
        assertThat(cache.reserve("board:7", "board:7 page 1")).isNull();
    }

    @Test
    void shouldStartAnOwnerOverWhenItsReadsOutgrowTheIndexAndKeepOthers() {
        keep("board:8", "board:8 page 1", "c");
        for (int page = 1; page <= NearCacheByOwner.MAX_KEYS_PER_OWNER; page++) {
            keep("board:7", "board:7 page " + page, "a");
        }
        assertThat(cache.get("board:7 page 1")).isEqualTo("a");

        keep("board:7", "board:7 page overflow", "b");

        assertThat(cache.get("board:7 page 1")).as("the owner's reads went as on a change").isNull();
        assertThat(cache.get("board:7 page overflow")).isNull();
        assertThat(cache.get("board:8 page 1")).isEqualTo("c");
        keep("board:7", "board:7 page 1", "a2");
        assertThat(cache.get("board:7 page 1")).as("kept again from nothing").isEqualTo("a2");
    }

    private void keep(String owner, String key, String value) {
        cache.store(key, cache.reserve(owner, key), value);
    }
}
