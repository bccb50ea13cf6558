package dev.boardcqrs.projector.store;

import java.util.Map;
import java.util.function.Function;

/**
 * The per-stream watermarks a generation keeps in its meta ({@code watermark@STREAM}, one per Kafka partition), and
 * the rule by which a rebuild's generation may replace the one readers use. Both stores (Redis and search) keep
 * these fields and switch by the same rule, so the rule lives here once.
 */
public final class StreamWatermarks {

    public static final String WATERMARK = "watermark";
    /** The prefix of a stream's {@code position@STREAM}: the binlog position of its newest streamed change. */
    public static final String POSITION = "position";

    private StreamWatermarks() {
    }

    /** The meta field holding a stream's watermark; the plain {@value #WATERMARK} field for the single stream. */
    public static String field(String stream) {
        return stream == null ? WATERMARK : WATERMARK + "@" + stream;
    }

    /** The meta field holding a stream's binlog position ({@link ModelStore#streamed}), {@code position@STREAM}. */
    public static String positionField(String stream) {
        return POSITION + "@" + stream;
    }

    /** Whether a meta field is one stream's watermark (not the single stream's plain one). */
    public static boolean isStreamField(String field) {
        return field.startsWith(WATERMARK + "@");
    }

    /**
     * Whether a rebuilt generation holds, for every stream the served generation has a watermark for, at least that
     * watermark. A stream the served generation has not read is level with any. {@code rebuilt} maps a field name
     * to the rebuilt generation's value for it (null for none); watermarks compare as text (see Positions).
     */
    public static boolean level(Map<String, ?> servedMeta, Function<String, String> rebuilt) {
        for (Map.Entry<String, ?> field : servedMeta.entrySet()) {
            if (isStreamField(field.getKey()) && field.getValue() instanceof String served) {
                String own = rebuilt.apply(field.getKey());
                if (own == null || own.compareTo(served) < 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
