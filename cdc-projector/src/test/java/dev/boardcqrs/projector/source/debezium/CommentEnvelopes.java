package dev.boardcqrs.projector.source.debezium;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;

/** Change records of the comment table shaped like Debezium's MySQL/MariaDB envelopes, for tests. */
public final class CommentEnvelopes {
    public static final LocalDateTime CREATED_AT = LocalDateTime.of(2026, 11, 24, 10, 0, 0, 250_000_000);
    public static final Schema TIMESTAMP = SchemaBuilder.int64().name("io.debezium.time.Timestamp").optional()
            .build();
    public static final Schema ROW = SchemaBuilder.struct().name("comment.Value")
            .field("comment_id", Schema.INT64_SCHEMA)
            .field("article_id", Schema.OPTIONAL_INT64_SCHEMA)
            .field("deleted", Schema.INT16_SCHEMA)
            .field("content", Schema.STRING_SCHEMA)
            .field("created_at", TIMESTAMP)
            .optional().build();
    public static final Schema SOURCE = SchemaBuilder.struct().name("source")
            .field("table", Schema.OPTIONAL_STRING_SCHEMA)
            .field("file", Schema.STRING_SCHEMA)
            .field("pos", Schema.INT64_SCHEMA)
            .field("row", Schema.OPTIONAL_INT32_SCHEMA)
            .field("gtid", Schema.OPTIONAL_STRING_SCHEMA)
            .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .build();
    /** Debezium's transaction block (provide.transaction.metadata): the change's order among its transaction's. */
    public static final Schema TRANSACTION = SchemaBuilder.struct().name("event.block")
            .field("id", Schema.STRING_SCHEMA)
            .field("total_order", Schema.INT64_SCHEMA)
            .field("data_collection_order", Schema.INT64_SCHEMA)
            .optional().build();
    public static final Schema ENVELOPE = SchemaBuilder.struct().name("comment.Envelope")
            .field("before", ROW).field("after", ROW).field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA).field("transaction", TRANSACTION).build();

    private CommentEnvelopes() {
    }

    /** A comment of article 7 written at {@link #CREATED_AT}. */
    public static Struct row(long id, short deleted) {
        return new Struct(ROW).put("comment_id", id).put("article_id", 7L).put("deleted", deleted).put("content", "hi")
                .put("created_at", CREATED_AT.toInstant(ZoneOffset.UTC).toEpochMilli());
    }

    public static Struct envelope(String op, Struct before, Struct after, Struct source) {
        return new Struct(ENVELOPE).put("before", before).put("after", after).put("source", source).put("op", op);
    }

    /** {@code envelope} with the transaction block: the {@code totalOrder}th change of transaction {@code id}. */
    public static Struct inTransaction(Struct envelope, String id, long totalOrder) {
        return envelope.put("transaction", new Struct(TRANSACTION).put("id", id).put("total_order", totalOrder)
                .put("data_collection_order", totalOrder));
    }

    /** {@code envelope} as Kafka Connect's JSON converter (with schemas) writes it to a topic. */
    public static byte[] json(String topic, Struct envelope) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true", "converter.type", "value"));
        return converter.fromConnectData(topic, ENVELOPE, envelope);
    }
}
