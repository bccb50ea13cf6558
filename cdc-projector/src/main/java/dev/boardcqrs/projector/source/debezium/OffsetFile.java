package dev.boardcqrs.projector.source.debezium;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;

/**
 * Sets the binlog position the engine resumes from, in the offset file it keeps (Kafka Connect's file store,
 * keyed by engine name and server). Used by {@code replay --from}; the engine must be stopped meanwhile.
 */
public final class OffsetFile {
    private OffsetFile() {
    }

    /** {@code from}: "FILE:POSITION" (mariadb-bin.000003:4) or "gtid:SET" (gtid:0-1-1200), as {@link #offsetAt}. */
    public static void resumeFrom(Path file, String topicPrefix, String from, ServerKind kind, SourceDatabase source) {
        Map<String, Object> offset = offsetAt(from, source);
        JsonConverter converter = converter();
        FileOffsetBackingStore store = store(file, converter);
        try {
            byte[] key = key(converter, topicPrefix);
            byte[] value = converter.fromConnectData("", null, offset);
            store.set(Map.of(ByteBuffer.wrap(key), ByteBuffer.wrap(value)), null).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing " + file, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getCause().getMessage(), e);
        } finally {
            store.stop();
        }
    }

    /**
     * The connector's offset that resumes at {@code from} ({@link #parse}): MariaDB's connector resumes by GTID only,
     * and MySQL's by GTID whenever the server writes them (a file and position alone fail to connect there), so a
     * position is turned into the GTID state at it, asked of {@code source}.
     *
     * @throws IllegalArgumentException when {@code from} is no position, or no GTID state is known at it
     */
    public static Map<String, Object> offsetAt(String from, SourceDatabase source) {
        Map<String, Object> offset = new HashMap<>(parse(from));
        if (!offset.containsKey("gtids")) {
            String gtids = source.gtidAt((String) offset.get("file"), (Long) offset.get("pos"));
            if (gtids != null && gtids.isEmpty()) { // neither connector resumes from an empty set
                throw new IllegalArgumentException("no GTID is known at " + from + " (before the server's first "
                        + "transaction?); give the position of a later GTID event or use gtid:SET");
            }
            if (gtids != null) {
                offset.put("gtids", gtids);
            }
        }
        return offset;
    }

    /**
     * The binlog file and position the engine would resume from, as "FILE:POSITION", or null when the file
     * holds no offset for {@code topicPrefix}.
     */
    public static String storedPosition(Path file, String topicPrefix) {
        JsonConverter converter = converter();
        FileOffsetBackingStore store = store(file, converter);
        try {
            ByteBuffer key = ByteBuffer.wrap(key(converter, topicPrefix));
            ByteBuffer value = store.get(List.of(key)).get().get(key);
            if (value == null) {
                return null;
            }
            byte[] bytes = new byte[value.remaining()];
            value.duplicate().get(bytes);
            Object offset = converter.toConnectData("", bytes).value();
            return offset instanceof Map<?, ?> map && map.get("file") != null ? map.get("file") + ":" + map.get("pos") : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + file, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getCause().getMessage(), e);
        } finally {
            store.stop();
        }
    }

    private static JsonConverter converter() {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false"), true);
        return converter;
    }

    // Kafka Connect's file store, as the engine opens it
    private static FileOffsetBackingStore store(Path file, JsonConverter converter) {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", "localhost:9092"); // required by the config class, never used
        settings.put("key.converter", JsonConverter.class.getName());
        settings.put("value.converter", JsonConverter.class.getName());
        settings.put("offset.storage.file.filename", file.toString());
        FileOffsetBackingStore store = new FileOffsetBackingStore(converter);
        store.configure(new StandaloneConfig(settings));
        store.start();
        return store;
    }

    private static byte[] key(JsonConverter converter, String topicPrefix) {
        return converter.fromConnectData("", null, List.of(EngineProperties.ENGINE_NAME, Map.of("server", topicPrefix)));
    }

    /** The offset a position names; IllegalArgumentException with a usable message for anything else. */
    public static Map<String, Object> parse(String from) {
        if (from.startsWith("gtid:") && from.length() > 5) {
            // with a GTID set the connector finds the position itself; file and position are placeholders
            return Map.of("file", "", "pos", 4L, "gtids", from.substring(5));
        }
        int colon = from.lastIndexOf(':');
        if (colon > 0 && from.substring(colon + 1).matches("\\d{1,15}")) {
            return Map.of("file", from.substring(0, colon), "pos", Long.parseLong(from.substring(colon + 1)));
        }
        throw new IllegalArgumentException("--from must be FILE:POSITION (mariadb-bin.000003:4) or gtid:SET "
                + "(gtid:0-1-1200), but was '" + from + "'");
    }
}
