package dev.boardcqrs.common.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Serves a service's OpenAPI description, a hand-written JSON file on its classpath, at {@code GET /openapi.json}.
 * Read and checked once, when the app is built, so a broken file stops the service at start-up instead of being
 * served.
 */
public final class OpenApiDocument {
    public static final String PATH = "/openapi.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OpenApiDocument() {
    }

    /** Adds {@code GET /openapi.json} answering the classpath resource {@code resource}. */
    public static void route(RoutesConfig routes, String resource) {
        byte[] document = read(resource);
        routes.get(PATH, ctx -> ctx.contentType("application/json").result(document));
    }

    private static byte[] read(String resource) {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("OpenAPI document " + resource + " is not on the classpath");
            }
            byte[] document = in.readAllBytes();
            JsonNode root = MAPPER.readTree(document);
            if (root == null || !root.path("openapi").isTextual() || !root.path("paths").isObject()) {
                throw new IllegalStateException("OpenAPI document " + resource + " has no openapi version or paths");
            }
            return document;
        } catch (IOException e) {
            throw new UncheckedIOException("OpenAPI document " + resource + " is not JSON", e);
        }
    }
}
