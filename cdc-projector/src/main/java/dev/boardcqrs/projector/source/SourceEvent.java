package dev.boardcqrs.projector.source;

/**
 * One record a change source delivers, in source order: a row change, the start or end of a source transaction,
 * a record the projector has no use for (a heartbeat, a schema change), or one it could not read. Every event is
 * acknowledged, so a source can tell what has been applied whatever it was.
 *
 * <p>{@code streamPosition}: where the record stands in a stream of its own, as text that sorts like the stream (a
 * Kafka partition's offset), for a source of several streams; null for the embedded engine, whose one stream is
 * ordered by the binlog positions of the changes themselves.
 */
public record SourceEvent(Kind kind, RowChange change, Unreadable unreadable, String streamPosition) {

    public enum Kind { ROW, BEGIN, END, OTHER, UNREADABLE }

    public static final SourceEvent BEGIN = new SourceEvent(Kind.BEGIN, null, null, null);
    public static final SourceEvent END = new SourceEvent(Kind.END, null, null, null);
    public static final SourceEvent OTHER = new SourceEvent(Kind.OTHER, null, null, null);

    public SourceEvent {
        if ((kind == Kind.ROW) != (change != null) || (kind == Kind.UNREADABLE) != (unreadable != null)) {
            throw new IllegalArgumentException("a " + kind + " event carries " + (change != null ? "a row change"
                    : unreadable != null ? "an unreadable record" : "nothing"));
        }
    }

    public static SourceEvent row(RowChange change) {
        return new SourceEvent(Kind.ROW, change, null, null);
    }

    public static SourceEvent unreadable(Unreadable record) {
        return new SourceEvent(Kind.UNREADABLE, null, record, null);
    }

    /** This event at {@code position} of a stream of its own (see the class comment). */
    public SourceEvent inStream(String position) {
        return new SourceEvent(kind, change, unreadable, position);
    }

    /**
     * A record that could not be read as a row change, with what is known of it: where it came from (a topic or
     * table), its content and its position as the source printed them, and why it could not be read.
     */
    public record Unreadable(String origin, String content, String position, RuntimeException error) {
    }
}
