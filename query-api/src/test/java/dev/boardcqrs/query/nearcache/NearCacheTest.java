package dev.boardcqrs.query.nearcache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NearCacheTest {
    private NearCache<Long, String> cache;

    @BeforeEach
    void serving() {
        cache = new NearCache<>(1024 * 1024, String::length);
        cache.serve();
    }

    @Test
    void shouldKeepWhatWasReadAfterTheReservation() {
        NearCache.Reservation reservation = cache.reserve(1L);
        cache.store(1L, reservation, "v1");

        assertThat(cache.get(1L)).isEqualTo("v1");
    }

    @Test
    void shouldNotKeepAReadThatAnInvalidationOvertook() {
        NearCache.Reservation reservation = cache.reserve(1L);
        cache.invalidate(1L); // the key changed while the read was on its way
        cache.store(1L, reservation, "v1");

        assertThat(cache.get(1L)).isNull();
    }

    @Test
    void shouldKeepNeitherOfTwoDifferentValuesReadBetweenTheSameReportsWhicheverIsStoredFirst() {
        // the key changed between the two reads, and its report has not come: which read is older is not known here
        NearCache.Reservation first = cache.reserve(1L);
        NearCache.Reservation second = cache.reserve(1L);
        cache.store(1L, second, "v1"); // the later reservation's read reached Redis first
        cache.store(1L, first, "v2"); // and its reader answers v2

        assertThat(cache.get(1L)).as("after a reader answered v2").isNull();

        NearCache.Reservation third = cache.reserve(2L);
        NearCache.Reservation fourth = cache.reserve(2L);
        cache.store(2L, third, "v2");
        cache.store(2L, fourth, "v1"); // read before v2 was written, answered late

        assertThat(cache.get(2L)).as("after a reader answered v1 and another v2").isNull();
    }

    @Test
    void shouldKeepAValueThatEveryReaderBetweenTheSameReportsReadAlike() {
        NearCache.Reservation first = cache.reserve(1L);
        NearCache.Reservation second = cache.reserve(1L);
        cache.store(1L, first, "v1");
        NearCache.Reservation third = cache.reserve(1L); // missed just before the first stored
        cache.store(1L, second, new String("v1")); // equal, not the same object
        cache.store(1L, third, "v1");

        assertThat(cache.get(1L)).isEqualTo("v1");
    }

    @Test
    void shouldNotLetAReadFromBeforeAReportedChangeDropOrReplaceAReadFromAfterIt() {
        NearCache.Reservation before = cache.reserve(1L);
        cache.invalidate(1L);
        NearCache.Reservation after = cache.reserve(1L);
        cache.store(1L, after, "v2");
        cache.store(1L, before, "v1");

        assertThat(cache.get(1L)).isEqualTo("v2");
    }

    @Test
    void shouldForgetAKeptValueWhenItsKeyChanges() {
        cache.store(1L, cache.reserve(1L), "v1");
        cache.store(2L, cache.reserve(2L), "other");

        cache.invalidate(1L);

        assertThat(cache.get(1L)).isNull();
        assertThat(cache.get(2L)).isEqualTo("other");
    }

    @Test
    void shouldForgetEveryKeptValueAChangePicks() {
        cache.store(1L, cache.reserve(1L), "v1");
        cache.store(2L, cache.reserve(2L), "v2");
        cache.store(3L, cache.reserve(3L), "v3");

        cache.invalidateAll(key -> key % 2 == 1); // one model key that backs many entries changed

        assertThat(cache.get(1L)).isNull();
        assertThat(cache.get(2L)).isEqualTo("v2");
        assertThat(cache.get(3L)).isNull();
    }

    @Test
    void shouldNotKeepAReadThatAPickingInvalidationOvertook() {
        NearCache.Reservation reservation = cache.reserve(1L);
        cache.invalidateAll(key -> key == 1L);
        cache.store(1L, reservation, "v1");

        assertThat(cache.get(1L)).isNull();
    }

    @Test
    void shouldNotKeepAReadStoredWhileAPickingInvalidationLooksAtItsReservation() {
        NearCache.Reservation reservation = cache.reserve(1L);

        cache.invalidateAll(key -> {
            cache.store(1L, reservation, "v1"); // the reader, read before the change, finishes meanwhile
            return key == 1L;
        });

        assertThat(cache.get(1L)).isNull();
    }

    @Test
    void shouldNotKeepAReadThatADropOfEverythingOvertook() {
        NearCache.Reservation reservation = cache.reserve(1L);
        cache.clear();
        cache.store(1L, reservation, "v1");

        assertThat(cache.get(1L)).isNull();
    }

    @Test
    void shouldAnswerAndKeepNothingWhileStoppedAndStartFromNothingAgain() {
        cache.store(1L, cache.reserve(1L), "v1");
        NearCache.Reservation beforeTheStop = cache.reserve(2L);

        cache.stop();
        assertThat(cache.get(1L)).isNull();
        assertThat(cache.reserve(3L)).isNull();

        cache.serve();
        cache.store(2L, beforeTheStop, "v2");
        assertThat(cache.get(1L)).as("dropped by the stop").isNull();
        assertThat(cache.get(2L)).as("read before the stop, stored after it").isNull();
    }
}
