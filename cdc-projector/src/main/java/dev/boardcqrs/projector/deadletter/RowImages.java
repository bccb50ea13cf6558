package dev.boardcqrs.projector.deadletter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A row image (column to value, as {@link dev.boardcqrs.projector.source.RowChange} holds it) as JSON and back,
 * keeping the Java types the projection expects: numbers stay Long, DATETIME stays LocalDateTime (written as
 * {@code {"datetime": "2026-11-24T22:36:23.120"}} so it cannot be mistaken for text).
 */
final class RowImages {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String DATETIME = "datetime";

    private RowImages() {
    }

    static String toJson(Map<String, Object> row) {
        if (row == null) {
            return "null";
        }
        ObjectNode json = MAPPER.createObjectNode();
        row.forEach((column, value) -> {
            if (value == null) {
                json.putNull(column);
            } else if (value instanceof Number number && !(value instanceof java.math.BigDecimal)) {
                json.put(column, number.longValue());
            } else if (value instanceof Boolean bool) {
                json.put(column, bool);
            } else if (value instanceof LocalDateTime time) {
                json.putObject(column).put(DATETIME, time.toString());
            } else {
                json.put(column, value.toString());
            }
        });
        return json.toString();
    }

    static Map<String, Object> fromJson(String text) {
        JsonNode json;
        try {
            json = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a stored row image: " + e.getOriginalMessage(), e);
        }
        if (json == null || json.isNull()) {
            return null;
        }
        Map<String, Object> row = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = json.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            row.put(field.getKey(), value.isNull() ? null
                    : value.isIntegralNumber() ? value.asLong()
                    : value.isBoolean() ? value.asBoolean()
                    : value.has(DATETIME) ? LocalDateTime.parse(value.get(DATETIME).asText())
                    : value.asText());
        }
        return row;
    }
}
