package dev.boardcqrs.command.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.boardcqrs.common.web.ApiException;
import java.nio.charset.StandardCharsets;

/**
 * A request body read as a JSON object, with typed getters that reject what the schema cannot hold
 * with a message naming the field. Nothing is written before every field has been read.
 */
public final class JsonBody {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private final JsonNode root;

    private JsonBody(JsonNode root) {
        this.root = root;
    }

    public static JsonBody parse(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("request body must be a JSON object");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("request body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("request body must be a JSON object");
        }
        return new JsonBody(root);
    }

    public long positiveId(String field) {
        Long value = optionalPositiveId(field);
        if (value == null) {
            throw ApiException.badRequest(field + " is required");
        }
        return value;
    }

    /** An id that may be absent or null; when present it must be a positive integer. */
    public Long optionalPositiveId(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() <= 0) {
            throw ApiException.badRequest(field + " must be a positive integer");
        }
        return node.asLong();
    }

    /** Whether the body names the field at all (a JSON null counts as named). */
    public boolean has(String field) {
        return root.has(field);
    }

    /** A required integer between {@code min} and {@code max}. */
    public long requiredInteger(String field, long min, long max) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw ApiException.badRequest(field + " is required");
        }
        return integer(field, min, max, 0);
    }

    /** An integer between {@code min} and {@code max}; {@code absent} when the field is missing or null. */
    public long integer(String field, long min, long max, long absent) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < min || node.asLong() > max) {
            throw ApiException.badRequest(field + " must be an integer between " + min + " and " + max);
        }
        return node.asLong();
    }

    /** Non-blank text of at most {@code maxCharacters} characters (Unicode code points, as VARCHAR counts). */
    public String text(String field, int maxCharacters) {
        String value = requiredText(field);
        if (value.codePointCount(0, value.length()) > maxCharacters) {
            throw ApiException.badRequest(field + " must be at most " + maxCharacters + " characters");
        }
        return value;
    }

    /** Non-blank text of at most {@code maxBytes} bytes in UTF-8. */
    public String textOfBytes(String field, int maxBytes) {
        String value = requiredText(field);
        if (value.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw ApiException.badRequest(field + " must be at most " + maxBytes + " bytes");
        }
        return value;
    }

    private String requiredText(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw ApiException.badRequest(field + " is required");
        }
        if (!node.isTextual()) {
            throw ApiException.badRequest(field + " must be a string");
        }
        String value = node.textValue();
        if (value.isBlank()) {
            throw ApiException.badRequest(field + " must not be blank");
        }
        if (value.indexOf('\0') >= 0) {
            throw ApiException.badRequest(field + " must not contain NUL characters");
        }
        if (!wellFormed(value)) {
            throw ApiException.badRequest(field + " must be valid Unicode text");
        }
        return value;
    }

    // JSON may carry "\uD800" alone; such a string has no UTF-8 form and the database would reject it
    private static boolean wellFormed(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
