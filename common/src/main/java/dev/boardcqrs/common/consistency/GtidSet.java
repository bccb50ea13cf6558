package dev.boardcqrs.common.consistency;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A set of source transactions named by GTIDs, as far as read-your-writes needs it: for each stream of
 * transactions, the highest sequence number seen from each origin server. It is both a consistency token (what a
 * reader must see) and what the projector has applied (stored with every batch). Two syntaxes, never mixed:
 * <ul>
 * <li>MariaDB: {@code domain-server-sequence}, comma-separated ({@code @@last_gtid}, {@code @@gtid_binlog_pos}).
 *     Sequence numbers grow within a domain whichever server writes it, so the stream is the domain and the
 *     server id is the origin;</li>
 * <li>MySQL: {@code uuid:interval[:interval...]} ({@code @@GLOBAL.gtid_executed}). Each server numbers its own
 *     transactions in binlog order, so the uuid is both stream and origin, and only an interval's end matters.</li>
 * </ul>
 * "Covers" reads each stream as a prefix: a state whose highest sequence in a stream is n holds every transaction
 * of it up to n. That holds for a binlog read in order, which is what the projector does.
 */
public final class GtidSet {
    /** The empty set as a token: a write that names no source transaction (a view, counted in Redis). */
    public static final String NONE = "none";
    /** Longest text accepted: a token comes from a request. */
    public static final int MAX_LENGTH = 4096;

    private static final Pattern MARIADB = Pattern.compile("(\\d{1,10})-(\\d{1,10})-(\\d{1,19})");
    private static final Pattern MYSQL = Pattern.compile(
            "([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})((?::\\d{1,19}(?:-\\d{1,19})?)+)");
    private static final Pattern INTERVAL = Pattern.compile(":(\\d{1,19})(?:-(\\d{1,19}))?");
    private static final GtidSet EMPTY = new GtidSet(Flavor.NONE, new TreeMap<>());

    /** Which server's syntax; NONE only for the empty set, which either side covers. */
    public enum Flavor { NONE, MARIADB, MYSQL }

    /** One origin server of one stream: a MariaDB domain and server id, or a MySQL uuid twice. */
    public record Origin(String stream, String server) {
        @Override
        public String toString() {
            return stream.equals(server) ? stream : "domain " + stream + " server " + server;
        }
    }

    private final Flavor flavor;
    private final Map<String, Map<String, Long>> streams;

    private GtidSet(Flavor flavor, Map<String, Map<String, Long>> streams) {
        this.flavor = flavor;
        this.streams = streams;
    }

    public static GtidSet empty() {
        return EMPTY;
    }

    /**
     * Reads either syntax; {@code none} and blank text are the empty set. Whitespace around elements is ignored
     * (MySQL writes gtid_executed with a newline after each comma).
     *
     * @throws MalformedGtidSetException for anything else
     */
    public static GtidSet parse(String text) {
        if (text == null) {
            throw new MalformedGtidSetException("no GTID set");
        }
        if (text.length() > MAX_LENGTH) {
            throw new MalformedGtidSetException("longer than " + MAX_LENGTH + " characters");
        }
        String trimmed = text.strip();
        if (trimmed.isEmpty() || trimmed.equals(NONE)) {
            return EMPTY;
        }
        Flavor flavor = trimmed.indexOf(':') >= 0 ? Flavor.MYSQL : Flavor.MARIADB;
        Map<String, Map<String, Long>> streams = new TreeMap<>();
        for (String element : trimmed.split(",", -1)) {
            String gtid = element.strip();
            if (flavor == Flavor.MARIADB) {
                Matcher m = MARIADB.matcher(gtid);
                if (!m.matches()) {
                    throw new MalformedGtidSetException("'" + gtid + "' is not a MariaDB GTID (domain-server-sequence)");
                }
                raise(streams, canonical(m.group(1)), canonical(m.group(2)), number(m.group(3)));
            } else {
                Matcher m = MYSQL.matcher(gtid);
                if (!m.matches()) {
                    throw new MalformedGtidSetException("'" + gtid + "' is not a MySQL GTID set element (uuid:1-5)");
                }
                String uuid = m.group(1).toLowerCase();
                Matcher interval = INTERVAL.matcher(m.group(2));
                while (interval.find()) {
                    long start = number(interval.group(1));
                    long end = interval.group(2) == null ? start : number(interval.group(2));
                    if (start < 1 || end < start) {
                        throw new MalformedGtidSetException("'" + gtid + "' has an empty interval");
                    }
                    raise(streams, uuid, uuid, end);
                }
            }
        }
        return new GtidSet(flavor, streams);
    }

    /** "007" and "7" name the same domain or server. */
    private static String canonical(String digits) {
        return Long.toString(number(digits));
    }

    private static long number(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new MalformedGtidSetException("'" + digits + "' is too large");
        }
    }

    private static void raise(Map<String, Map<String, Long>> streams, String stream, String server, long sequence) {
        streams.computeIfAbsent(stream, s -> new TreeMap<>()).merge(server, sequence, Math::max);
    }

    public Flavor flavor() {
        return flavor;
    }

    public boolean isEmpty() {
        return streams.isEmpty();
    }

    /** This set with the transactions of {@code other} added (per origin, the higher sequence). */
    public GtidSet union(GtidSet other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        requireSameFlavor(other);
        Map<String, Map<String, Long>> merged = new TreeMap<>();
        streams.forEach((stream, servers) -> merged.put(stream, new TreeMap<>(servers)));
        other.streams.forEach((stream, servers) -> servers.forEach(
                (server, sequence) -> raise(merged, stream, server, sequence)));
        return new GtidSet(flavor, merged);
    }

    /** Whether every transaction {@code token} names is in this set: per stream, its highest sequence is reached. */
    public boolean covers(GtidSet token) {
        if (token.isEmpty()) {
            return true;
        }
        if (token.flavor != flavor) {
            return false;
        }
        for (Map.Entry<String, Map<String, Long>> stream : token.streams.entrySet()) {
            Map<String, Long> here = streams.get(stream.getKey());
            if (here == null || highest(here) < highest(stream.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** The origins {@code token} names that this set has never seen: another server's, or not applied yet. */
    public List<Origin> unknownOrigins(GtidSet token) {
        List<Origin> unknown = new ArrayList<>();
        token.streams.forEach((stream, servers) -> servers.keySet().forEach(server -> {
            Map<String, Long> here = token.flavor == flavor ? streams.get(stream) : null;
            if (here == null || !here.containsKey(server)) {
                unknown.add(new Origin(stream, server));
            }
        }));
        return unknown;
    }

    /** Every origin this set names. */
    public List<Origin> origins() {
        List<Origin> origins = new ArrayList<>();
        streams.forEach((stream, servers) -> servers.keySet().forEach(server -> origins.add(new Origin(stream, server))));
        return Collections.unmodifiableList(origins);
    }

    private static long highest(Map<String, Long> servers) {
        return Collections.max(servers.values());
    }

    private void requireSameFlavor(GtidSet other) {
        if (other.flavor != flavor) {
            throw new IllegalArgumentException("a " + flavor + " GTID set cannot be joined with a " + other.flavor
                    + " one");
        }
    }

    /** URL-safe text that {@link #parse} reads back: {@code none}, {@code 0-1-42,1-1-7} or {@code uuid:1-42}. */
    @Override
    public String toString() {
        if (isEmpty()) {
            return NONE;
        }
        StringBuilder text = new StringBuilder();
        streams.forEach((stream, servers) -> servers.forEach((server, sequence) -> {
            if (!text.isEmpty()) {
                text.append(',');
            }
            if (flavor == Flavor.MARIADB) {
                text.append(stream).append('-').append(server).append('-').append(sequence);
            } else {
                text.append(stream).append(":1-").append(sequence);
            }
        }));
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GtidSet set && set.flavor == flavor && set.streams.equals(streams);
    }

    @Override
    public int hashCode() {
        return streams.hashCode();
    }
}
