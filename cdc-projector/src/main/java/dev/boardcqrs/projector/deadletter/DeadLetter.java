package dev.boardcqrs.projector.deadletter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One change the projector could not apply, as kept in the dead-letter stream: what it was (table, operation,
 * row images as JSON), which read model could not take it, where it stands in the source, why it failed, and how
 * often it was tried. {@code kind} is "change", or "unreadable" for a record that could not be read as a row change
 * at all (kept for the operator; it cannot be retried). {@code store} and {@code projection} name where the change
 * was refused; they are null for unreadable records, and {@code projection} for entries kept before read models
 * were named.
 */
public record DeadLetter(String id, String kind, String store, String projection, String table, String operation, String before,
                         String after, String position, String error, int attempts, String failedAt) {

    public static final String CHANGE = "change";
    public static final String UNREADABLE = "unreadable";

    Map<String, String> toFields(Map<String, String> positionFields) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("kind", kind);
        if (store != null) {
            fields.put("store", store);
        }
        if (projection != null) {
            fields.put("projection", projection);
        }
        fields.put("table", table);
        fields.put("operation", operation);
        fields.put("before", before);
        fields.put("after", after);
        fields.put("position", position);
        fields.put("error", error);
        fields.put("attempts", Integer.toString(attempts));
        fields.put("failedAt", failedAt);
        fields.putAll(positionFields);
        return fields;
    }

    static DeadLetter fromFields(String id, Map<String, String> fields) {
        return new DeadLetter(id, fields.getOrDefault("kind", CHANGE), fields.get("store"), fields.get("projection"),
                fields.get("table"),
                fields.get("operation"), fields.get("before"), fields.get("after"), fields.get("position"),
                fields.get("error"), Integer.parseInt(fields.getOrDefault("attempts", "1")), fields.get("failedAt"));
    }

    /** This entry after one more failed attempt. */
    DeadLetter failedAgain(String error, String failedAt) {
        return new DeadLetter(null, kind, store, projection, table, operation, before, after, position, error, attempts + 1,
                failedAt);
    }

    /** For the operator's list and /deadletters. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", id);
        map.putAll(toFields(Map.of()));
        map.put("attempts", attempts);
        return map;
    }
}
