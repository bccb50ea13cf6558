package dev.boardcqrs.common.consistency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GtidSetTest {
    private static final String A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    private static final String B = "4f22ab58-82db-22f2-af44-d91bb0530673";

    @Test
    void shouldCoverAMariaDbGtidOnceItsDomainReachedItsSequence() {
        GtidSet applied = GtidSet.parse("0-1-42,1-1-7");
        assertTrue(applied.covers(GtidSet.parse("0-1-42")));
        assertTrue(applied.covers(GtidSet.parse("0-1-41,1-1-7")));
        assertFalse(applied.covers(GtidSet.parse("0-1-43")));
        assertFalse(applied.covers(GtidSet.parse("1-1-8")));
        assertFalse(applied.covers(GtidSet.parse("2-1-1")), "a domain never applied");
    }

    @Test
    void shouldCompareMariaDbSequencesPerDomainWhicheverServerWroteThem() {
        // after a failover the new primary (server 2) continues domain 0's numbering
        GtidSet applied = GtidSet.parse("0-1-40,0-2-45");
        assertTrue(applied.covers(GtidSet.parse("0-2-45")));
        assertTrue(applied.covers(GtidSet.parse("0-1-44")));
        assertFalse(applied.covers(GtidSet.parse("0-2-46")));
    }

    @Test
    void shouldCoverAMySqlSetByTheEndOfEachUuidsIntervals() {
        GtidSet applied = GtidSet.parse(A + ":1-100," + B + ":1-5");
        assertTrue(applied.covers(GtidSet.parse(A + ":1-100")));
        assertTrue(applied.covers(GtidSet.parse(A + ":57")));
        assertTrue(applied.covers(GtidSet.parse(A + ":1-20:30-100,\n" + B + ":5")));
        assertFalse(applied.covers(GtidSet.parse(A + ":1-20:30-101")));
        assertFalse(applied.covers(GtidSet.parse(B + ":6")));
        assertFalse(applied.covers(GtidSet.parse("5e11fa47-71ca-11e1-9e33-c80aa9429562:1")));
    }

    @Test
    void shouldReadUuidsInEitherCase() {
        assertTrue(GtidSet.parse(A + ":1-3").covers(GtidSet.parse(A.toUpperCase() + ":3")));
    }

    @Test
    void shouldNeverCoverATokenOfTheOtherServerKind() {
        assertFalse(GtidSet.parse("0-1-42").covers(GtidSet.parse(A + ":1")));
        assertFalse(GtidSet.parse(A + ":1-9").covers(GtidSet.parse("0-1-1")));
    }

    @Test
    void shouldTreatNoneAsTheEmptySetThatEverythingCovers() {
        assertTrue(GtidSet.parse("none").isEmpty());
        assertTrue(GtidSet.parse("").isEmpty());
        assertTrue(GtidSet.empty().covers(GtidSet.parse("none")));
        assertTrue(GtidSet.parse("0-1-1").covers(GtidSet.parse("none")));
        assertFalse(GtidSet.empty().covers(GtidSet.parse("0-1-1")));
        assertEquals("none", GtidSet.empty().toString());
    }

    @Test
    void shouldWriteTextThatReadsBackToTheSameSet() {
        for (String text : List.of("0-1-42,1-1-7,1-3-2", A + ":1-100:200-250," + B + ":3", "none")) {
            GtidSet set = GtidSet.parse(text);
            assertEquals(set, GtidSet.parse(set.toString()), text);
            assertTrue(set.toString().matches("[A-Za-z0-9:,._~-]+"), "URL-safe: " + set);
        }
        assertEquals("0-1-42,1-1-7", GtidSet.parse(" 1-1-7, 0-1-42 ").toString());
        assertEquals(A + ":1-250", GtidSet.parse(A + ":1-100:200-250").toString());
    }

    @Test
    void shouldJoinAppliedTransactionsKeepingTheHighestSequencePerOrigin() {
        GtidSet joined = GtidSet.parse("0-1-40,1-1-7").union(GtidSet.parse("0-1-41")).union(GtidSet.parse("0-2-3"));
        assertEquals(GtidSet.parse("0-1-41,0-2-3,1-1-7"), joined);
        assertEquals(GtidSet.parse(A + ":1-9"), GtidSet.parse(A + ":1-9").union(GtidSet.parse(A + ":4")));
        assertEquals(GtidSet.parse("0-1-1"), GtidSet.empty().union(GtidSet.parse("0-1-1")));
        assertThrows(IllegalArgumentException.class, () -> GtidSet.parse("0-1-1").union(GtidSet.parse(A + ":1")));
    }

    @Test
    void shouldNameTheOriginsAStateHasNeverSeen() {
        GtidSet applied = GtidSet.parse("0-1-40,1-1-7");
        assertEquals(List.of(), applied.unknownOrigins(GtidSet.parse("0-1-99")));
        assertEquals(List.of(new GtidSet.Origin("0", "2")), applied.unknownOrigins(GtidSet.parse("0-2-41")));
        assertEquals(List.of(new GtidSet.Origin(B, B)),
                GtidSet.parse(A + ":1-3").unknownOrigins(GtidSet.parse(A + ":2," + B + ":1")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0-1", "0-1-", "a-b-c", "0-1-42;DROP", "0-1-42,", ",0-1-42", "0-1-42," + A + ":1",
            A, A + ":", A + ":0", A + ":5-3", A + ":x", "3e11fa47:1", "0-1-99999999999999999999", A + ":tag:1",
            "null", "0 - 1 - 42"})
    void shouldRefuseTextThatIsNoGtidSet(String text) {
        assertThrows(MalformedGtidSetException.class, () -> GtidSet.parse(text));
    }

    @Test
    void shouldRefuseOverlongText() {
        assertThrows(MalformedGtidSetException.class, () -> GtidSet.parse("0-1-1,".repeat(1000) + "0-1-1"));
    }
}
