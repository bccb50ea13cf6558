package dev.boardcqrs.projector.source.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.projector.source.debezium.CommentEnvelopes;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

/**
 * The reader answers exactly what Kafka Connect's JSON converter answers for the same bytes, and reads the
 * connector's usual envelopes without asking the converter (whose per-record schema parsing it exists to avoid).
 */
class EnvelopeReaderTest {
    private static final String TOPIC = "board-cqrs.articles";
    private static final Schema NESTED = SchemaBuilder.struct().name("nested")
            .field("text", Schema.OPTIONAL_STRING_SCHEMA)
            .field("number", Schema.INT64_SCHEMA)
            .build();
    private static final Schema EVERY_TYPE = SchemaBuilder.struct().name("every.Type")
            .field("flag", Schema.BOOLEAN_SCHEMA)
            .field("tiny", Schema.INT8_SCHEMA)
            .field("small", Schema.INT16_SCHEMA)
            .field("int", Schema.INT32_SCHEMA)
            .field("long", Schema.INT64_SCHEMA)
            .field("float", Schema.FLOAT32_SCHEMA)
            .field("double", Schema.FLOAT64_SCHEMA)
            .field("text", Schema.STRING_SCHEMA)
            .field("bytes", Schema.BYTES_SCHEMA)
            .field("missing", Schema.OPTIONAL_INT64_SCHEMA)
            .field("defaulted", SchemaBuilder.int32().optional().defaultValue(7).build())
            .field("list", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
            .field("map", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build())
            .field("nested", NESTED)
            .build();

    private final CountingConverter converter = new CountingConverter();
    private final JsonConverter oracle = converter();
    private final EnvelopeReader reader = new EnvelopeReader(converter);

    @Test
    void shouldReadTheConnectorsEnvelopesAsTheConverterDoesWithoutAskingIt() {
        Struct first = CommentEnvelopes.inTransaction(CommentEnvelopes.envelope("u", CommentEnvelopes.row(5, (short) 0),
                CommentEnvelopes.row(5, (short) 1), source()), "0-1-42", 3);
        Struct second = CommentEnvelopes.envelope("c", null, CommentEnvelopes.row(6, (short) 0),
                source());

        assertReadsAsTheConverter(CommentEnvelopes.json(TOPIC, first));
        assertReadsAsTheConverter(CommentEnvelopes.json(TOPIC, second));
        assertReadsAsTheConverter(CommentEnvelopes.json(TOPIC, second)); // its schema known by now

        assertThat(converter.reads).as("records the reader converted itself").isZero();
    }

    @Test
    void shouldReadEveryPlainTypeOptionalsDefaultsAndNestingAsTheConverterDoes() {
        Struct value = new Struct(EVERY_TYPE)
                .put("flag", true).put("tiny", (byte) -3).put("small", (short) 300).put("int", 70_000)
                .put("long", 1L << 40).put("float", 0.1f).put("double", 1.0 / 3).put("text", "quote \" brace } \\ é")
                .put("bytes", new byte[] {0, 1, (byte) 255}).put("missing", null).put("defaulted", null)
                .put("list", List.of("a", "]", "{")).put("map", Map.of("k", 1))
                .put("nested", new Struct(NESTED).put("text", null).put("number", -1L));

        assertReadsAsTheConverter(oracle.fromConnectData(TOPIC, EVERY_TYPE, value));
        assertThat(converter.reads).isZero();
    }

    @Test
    void shouldLeaveConnectsLogicalTypesAndMapsWithOtherThanStringKeysToTheConverter() {
        Schema schema = SchemaBuilder.struct().field("price", Decimal.schema(2)).field("at", Timestamp.SCHEMA)
                .field("pairs", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build()).build();
        Struct value = new Struct(schema).put("price", new BigDecimal("12.34")).put("at", new Date(1_700_000_000_123L))
                .put("pairs", Map.of(2, "two"));

        assertReadsAsTheConverter(oracle.fromConnectData(TOPIC, schema, value));
        assertThat(converter.reads).isEqualTo(1);
    }

    @Test
    void shouldAnswerWhatTheConverterAnswersForWhatItCannotRead() {
        byte[] malformed = "{\"schema\":{\"type\":\"int64\"},\"payload\":".getBytes(StandardCharsets.UTF_8);
        byte[] wrongType = "{\"schema\":{\"type\":\"int64\",\"optional\":false},\"payload\":\"x\"}"
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> reader.read(TOPIC, malformed)).isInstanceOf(DataException.class);
        assertThat(reader.read(TOPIC, wrongType)).isEqualTo(oracle.toConnectData(TOPIC, wrongType));
        assertThat(reader.read(TOPIC, null)).isEqualTo(oracle.toConnectData(TOPIC, null));
    }

    @Test
    void shouldFindTheEndOfAnObjectPastStringsWithBracesAndEscapes() {
        byte[] json = "{\"a\":\"}\\\"]\",\"b\":[{}]}tail".getBytes(StandardCharsets.UTF_8);

        assertThat(EnvelopeReader.endOfValue(json, 0)).isEqualTo(json.length - "tail".length());
        assertThat(EnvelopeReader.endOfValue("{\"open\":1".getBytes(StandardCharsets.UTF_8), 0)).isEqualTo(-1);
    }

    private static Struct source() {
        return new Struct(CommentEnvelopes.SOURCE).put("table", "comment").put("file", "bin.000003").put("pos", 4711L)
                .put("row", 0).put("gtid", "0-1-42").put("snapshot", "false").put("ts_ms", 1_700_000_000_000L);
    }

    private void assertReadsAsTheConverter(byte[] bytes) {
        SchemaAndValue expected = oracle.toConnectData(TOPIC, bytes);
        SchemaAndValue read = reader.read(TOPIC, bytes);
        assertThat(read.schema()).isEqualTo(expected.schema());
        assertThat(read.value()).isEqualTo(expected.value());
    }

    private static JsonConverter converter() {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true", "converter.type", "value"));
        return converter;
    }

    /** The JSON converter, counting the records it was asked to read. */
    private static final class CountingConverter extends JsonConverter {
        int reads;

        CountingConverter() {
            configure(Map.of("schemas.enable", "true", "converter.type", "value"));
        }

        @Override
        public SchemaAndValue toConnectData(String topic, byte[] value) {
            reads++;
            return super.toConnectData(topic, value);
        }
    }
}
