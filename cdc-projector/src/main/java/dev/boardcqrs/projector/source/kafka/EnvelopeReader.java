package dev.boardcqrs.projector.source.kafka;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Reads the envelopes Kafka Connect's JSON converter writes ({@code {"schema":{...},"payload":{...}}}) into the same
 * Connect schema and value {@link JsonConverter#toConnectData} gives, for a fraction of its CPU. The schema is most
 * of a record's bytes (about 4 KB of an article change's 5) and the same for every change of a table, yet the
 * converter parses it into a tree and hashes and compares that tree with its cache's for every record: a Kafka-mode
 * projector spent most of its CPU there and fell seconds behind at 1,000 writes/s on two cores. Here the schema's
 * bytes are found by a scan, looked up by those bytes, and parsed only when new; only the payload is parsed.
 * <p>
 * Anything this reader does not handle itself (Connect's logical types, a layout it does not expect, a value that
 * does not fit its schema) is handed to the JSON converter whole, so the answer is always the converter's.
 */
final class EnvelopeReader {
    private static final byte[] SCHEMA_FIELD = "{\"schema\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PAYLOAD_FIELD = ",\"payload\":".getBytes(StandardCharsets.US_ASCII);
    /** Distinct schemas kept: a few per table (before/after shapes change with DDL), a handful of tables. */
    private static final int SCHEMAS_KEPT = 256;

    private final JsonConverter converter;
    // as the converter's own deserializer reads numbers, so a FLOAT32 or FLOAT64 comes out the same
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
    private final Map<SchemaBytes, Schema> schemas = new HashMap<>();

    /** {@code converter}: configured with schemas enabled, as the worker's; it answers what this reader does not. */
    EnvelopeReader(JsonConverter converter) {
        this.converter = converter;
    }

    /** What {@code converter.toConnectData(topic, value)} answers, and throws what it throws. */
    SchemaAndValue read(String topic, byte[] value) {
        if (value != null) {
            try {
                SchemaAndValue read = readFast(value);
                if (read != null) {
                    return read;
                }
            } catch (NotHandled | IOException | RuntimeException e) {
                // the converter says what it is, or why it is not readable
            }
        }
        return converter.toConnectData(topic, value);
    }

    /** Null where the layout is not the converter's usual one. */
    private SchemaAndValue readFast(byte[] value) throws IOException, NotHandled {
        if (!startsWith(value, 0, SCHEMA_FIELD)) {
            return null;
        }
        int schemaFrom = SCHEMA_FIELD.length;
        int schemaTo = endOfValue(value, schemaFrom);
        if (schemaTo < 0 || !startsWith(value, schemaTo, PAYLOAD_FIELD)) {
            return null;
        }
        int payloadFrom = schemaTo + PAYLOAD_FIELD.length;
        int payloadTo = endOfValue(value, payloadFrom);
        if (payloadTo != value.length - 1 || value[payloadTo] != '}') {
            return null;
        }
        Schema schema = schema(value, schemaFrom, schemaTo);
        if (schema == null) {
            return null;
        }
        JsonNode payload = json.readTree(value, payloadFrom, payloadTo - payloadFrom);
        return new SchemaAndValue(schema, convert(schema, payload));
    }

    private Schema schema(byte[] value, int from, int to) throws IOException {
        SchemaBytes key = new SchemaBytes(value, from, to);
        Schema known = schemas.get(key);
        if (known != null) {
            return known;
        }
        JsonNode node = json.readTree(value, from, to - from);
        if (node == null || node.isNull()) {
            return null; // a schemaless value in the envelope: the converter's case
        }
        Schema parsed = converter.asConnectSchema(node);
        if (schemas.size() >= SCHEMAS_KEPT) {
            schemas.clear();
        }
        schemas.put(key.copy(), parsed);
        return parsed;
    }

    /** The converter's conversion of a payload node to a value of {@code schema}, for the types it has no logic for. */
    private static Object convert(Schema schema, JsonNode node) throws NotHandled {
        if (schema.name() != null && schema.name().startsWith("org.apache.kafka.connect.data.")) {
            throw new NotHandled(); // Decimal, Date, Time, Timestamp: the converter's logical conversions
        }
        if (node == null || node.isNull()) {
            if (schema.defaultValue() != null) {
                return schema.defaultValue();
            }
            if (schema.isOptional()) {
                return null;
            }
            throw new NotHandled();
        }
        return switch (schema.type()) {
            case BOOLEAN -> node.isBoolean() ? node.booleanValue() : fail();
            case INT8 -> node.isIntegralNumber() ? (byte) node.intValue() : fail();
            case INT16 -> node.isIntegralNumber() ? (short) node.intValue() : fail();
            case INT32 -> node.isIntegralNumber() ? node.intValue() : fail();
            case INT64 -> node.isIntegralNumber() ? node.longValue() : fail();
            case FLOAT32 -> node.isNumber() ? node.floatValue() : fail();
            case FLOAT64 -> node.isNumber() ? node.doubleValue() : fail();
            case STRING -> node.isTextual() ? node.textValue() : fail();
            case BYTES -> bytes(node);
            case ARRAY -> array(schema, node);
            case MAP -> map(schema, node);
            case STRUCT -> struct(schema, node);
        };
    }

    private static Struct struct(Schema schema, JsonNode node) throws NotHandled {
        if (!node.isObject()) {
            throw new NotHandled();
        }
        Struct struct = new Struct(schema);
        for (Field field : schema.fields()) {
            struct.put(field, convert(field.schema(), node.get(field.name())));
        }
        return struct;
    }

    private static List<Object> array(Schema schema, JsonNode node) throws NotHandled {
        if (!node.isArray()) {
            throw new NotHandled();
        }
        List<Object> values = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            values.add(convert(schema.valueSchema(), element));
        }
        return values;
    }

    private static Map<Object, Object> map(Schema schema, JsonNode node) throws NotHandled {
        Map<Object, Object> values = new LinkedHashMap<>();
        if (schema.keySchema().type() == Schema.Type.STRING && node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = fields.next();
                values.put(entry.getKey(), convert(schema.valueSchema(), entry.getValue()));
            }
            return values;
        }
        throw new NotHandled(); // maps with other keys are arrays of pairs: rare, the converter's
    }

    private static byte[] bytes(JsonNode node) throws NotHandled {
        try {
            byte[] bytes = node.binaryValue();
            if (bytes == null) {
                throw new NotHandled();
            }
            return bytes;
        } catch (IOException e) {
            throw new NotHandled();
        }
    }

    private static Object fail() throws NotHandled {
        throw new NotHandled();
    }

    private static boolean startsWith(byte[] value, int at, byte[] prefix) {
        return value.length - at >= prefix.length
                && Arrays.equals(value, at, at + prefix.length, prefix, 0, prefix.length);
    }

    /**
     * The index just past the JSON object or array starting at {@code from} (compact JSON, as the converter writes
     * it), or -1 when there is none; strings are skipped with their escapes.
     */
    static int endOfValue(byte[] value, int from) {
        if (from >= value.length || (value[from] != '{' && value[from] != '[')) {
            return -1;
        }
        int depth = 0;
        for (int i = from; i < value.length; i++) {
            byte b = value[i];
            if (b == '"') {
                for (i++; i < value.length && value[i] != '"'; i++) {
                    if (value[i] == '\\') {
                        i++;
                    }
                }
            } else if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                if (--depth == 0) {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    /** Not a case this reader converts: the JSON converter reads the whole record instead. */
    private static final class NotHandled extends Exception {
        NotHandled() {
            super(null, null, false, false);
        }
    }

    /** A schema's bytes as a map key: a view into the record while looked up, a copy once kept. */
    private static final class SchemaBytes {
        private final byte[] bytes;
        private final int from;
        private final int to;
        private final int hash;

        SchemaBytes(byte[] bytes, int from, int to) {
            this.bytes = bytes;
            this.from = from;
            this.to = to;
            int h = 1;
            for (int i = from; i < to; i++) {
                h = 31 * h + bytes[i];
            }
            this.hash = h;
        }

        SchemaBytes copy() {
            return new SchemaBytes(Arrays.copyOfRange(bytes, from, to), 0, to - from);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SchemaBytes that && hash == that.hash
                    && Arrays.equals(bytes, from, to, that.bytes, that.from, that.to);
        }
    }
}
