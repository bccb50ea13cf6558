package dev.boardcqrs.common.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Holds a service's answers to its OpenAPI document, for tests: the status must be one the operation lists, the
 * Content-Type one of its media types, a JSON body valid against that response's schema (networknt's validator with
 * the OpenAPI 3.1 dialect), and the response's required headers present and valid. A request that matches no
 * operation must be answered 404 with the document's {@code Error} shape. Every schema the document names is loaded
 * when it is, so a dangling {@code $ref} fails at once.
 */
public final class OpenApiContract {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    private static final List<String> DOCUMENT_FIELDS = List.of("openapi", "info", "servers", "security", "tags",
            "paths", "components", "webhooks", "externalDocs", "jsonSchemaDialect");

    private final String location;
    private final JsonNode document;
    // the document's top level is no schema; its fields are known, not to be warned about on every load
    private final SchemaRegistry registry = SchemaRegistry.withDialect(Dialect.builder(Dialects.getOpenApi31())
            .keywords(DOCUMENT_FIELDS.stream().map(NonValidationKeyword::new).toList()).build());
    private final Map<String, Schema> schemas = new HashMap<>(); // by JSON pointer into the document
    private final List<String> templates;

    private OpenApiContract(String resource, JsonNode document) {
        this.location = "classpath:" + resource;
        this.document = document;
        List<String> paths = new ArrayList<>();
        document.path("paths").fieldNames().forEachRemaining(paths::add);
        // a literal segment wins over a parameter: /a/b before /a/{x}
        paths.sort(Comparator.comparing(template -> template.chars().filter(c -> c == '{').count()));
        this.templates = List.copyOf(paths);
        for (String operation : operations()) {
            String[] methodAndPath = operation.split(" ", 2);
            responses(methodAndPath[1], methodAndPath[0]).fields().forEachRemaining(response ->
                    loadSchemasOf(pointer("paths", methodAndPath[1], methodAndPath[0].toLowerCase(Locale.ROOT),
                            "responses", response.getKey())));
        }
        schemas.put("error", schema("/components/schemas/Error"));
    }

    /** The document at {@code resource} on the classpath. */
    public static OpenApiContract load(String resource) {
        try (InputStream in = OpenApiContract.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException(resource + " is not on the classpath");
            }
            return new OpenApiContract(resource, MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every operation the document describes, as {@code METHOD /template}, e.g. {@code PUT /articles/{articleId}}. */
    public Set<String> operations() {
        Set<String> operations = new TreeSet<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (METHODS.contains(method)) {
                operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return operations;
    }

    /** Every route of a Javalin app's router as {@code METHOD /template}, read from the router, to compare with {@link #operations()}. */
    public static Set<String> routesOf(Javalin app) {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(parsed -> parsed.endpoint)
                .filter(endpoint -> endpoint.method.isHttpMethod())
                .map(endpoint -> endpoint.method.name() + " " + endpoint.path)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Throws an AssertionError naming everything in the answer to {@code method path} that the document does not allow. */
    public void check(String method, String path, int status, Map<String, List<String>> headers, String body) {
        String answer = method + " " + path + " -> " + status + " " + abbreviate(body);
        Optional<String> template = templates.stream().filter(t -> matches(t, path)).findFirst()
                .filter(t -> document.path("paths").path(t).has(method.toLowerCase(Locale.ROOT)));
        if (template.isEmpty()) {
            if (status != 404) {
                throw new AssertionError("no operation of the document matches, so 404 was expected: " + answer);
            }
            requireValid(schemas.get("error"), json(body, answer), answer);
            return;
        }
        String operation = method.toUpperCase(Locale.ROOT) + " " + template.get();
        String responsePointer = pointer("paths", template.get(), method.toLowerCase(Locale.ROOT), "responses",
                Integer.toString(status));
        if (!responses(template.get(), method).has(Integer.toString(status))) {
            throw new AssertionError(operation + " does not list status " + status + ": " + answer);
        }
        responsePointer = followRefs(responsePointer);
        JsonNode response = at(responsePointer);
        checkHeaders(response, responsePointer, headers, answer);
        checkBody(response, responsePointer, headers, body, answer);
    }

    private void checkHeaders(JsonNode response, String pointer, Map<String, List<String>> headers, String answer) {
        response.path("headers").fields().forEachRemaining(header -> {
            Optional<String> value = header(headers, header.getKey());
            if (value.isEmpty()) {
                if (header.getValue().path("required").asBoolean()) {
                    throw new AssertionError("header " + header.getKey() + " is required: " + answer);
                }
                return;
            }
            requireValid(schemas.get(pointer + "/headers/" + escape(header.getKey()) + "/schema"),
                    TextNode.valueOf(value.get()), answer + " (header " + header.getKey() + ")");
        });
    }

    private void checkBody(JsonNode response, String pointer, Map<String, List<String>> headers, String body, String answer) {
        if (!response.has("content")) {
            if (body != null && !body.isEmpty()) {
                throw new AssertionError("the document lists no body for this answer: " + answer);
            }
            return;
        }
        String mediaType = header(headers, "Content-Type").map(type -> type.split(";")[0].trim()).orElse("");
        if (!response.path("content").has(mediaType)) {
            throw new AssertionError("Content-Type '" + mediaType + "' is not one of "
                    + iterable(response.path("content").fieldNames()) + ": " + answer);
        }
        if (mediaType.equals("application/json")) {
            requireValid(schemas.get(pointer + "/content/" + escape(mediaType) + "/schema"), json(body, answer), answer);
        }
    }

    private void loadSchemasOf(String responsePointer) {
        String pointer = followRefs(responsePointer);
        JsonNode response = at(pointer);
        response.path("headers").fieldNames().forEachRemaining(name -> {
            String schema = pointer + "/headers/" + escape(name) + "/schema";
            schemas.put(schema, schema(schema));
        });
        response.path("content").fieldNames().forEachRemaining(mediaType -> {
            String schema = pointer + "/content/" + escape(mediaType) + "/schema";
            schemas.put(schema, schema(schema));
        });
    }

    private Schema schema(String pointer) {
        // a schema that only names another is loaded from where it points: that pointer has no {braces} to encode
        String target = followRefs(pointer);
        if (at(target).isMissingNode()) {
            throw new IllegalStateException(location + " has no schema at " + target);
        }
        return registry.getSchema(SchemaLocation.of(location + "#" + target.replace("{", "%7B").replace("}", "%7D")));
    }

    private String followRefs(String pointer) {
        String current = pointer;
        for (int hops = 0; at(current).has("$ref") && at(current).size() == 1; hops++) {
            String ref = at(current).get("$ref").asText();
            if (!ref.startsWith("#/") || hops > 10) {
                throw new IllegalStateException(location + ": cannot follow $ref " + ref + " at " + current);
            }
            current = ref.substring(1);
        }
        return current;
    }

    private JsonNode responses(String template, String method) {
        return document.path("paths").path(template).path(method.toLowerCase(Locale.ROOT)).path("responses");
    }

    private JsonNode at(String pointer) {
        return document.at(pointer);
    }

    private static void requireValid(Schema schema, JsonNode value, String answer) {
        List<Error> errors = schema.validate(value);
        if (!errors.isEmpty()) {
            throw new AssertionError("answer breaks the document: " + errors.stream().map(Error::toString)
                    .collect(Collectors.joining("; ")) + ": " + answer);
        }
    }

    private static JsonNode json(String body, String answer) {
        try {
            return MAPPER.readTree(body == null ? "" : body);
        } catch (IOException e) {
            throw new AssertionError("body is not JSON: " + answer, e);
        }
    }

    private static boolean matches(String template, String path) {
        String[] expected = template.split("/", -1);
        String[] actual = path.split("\\?", 2)[0].split("/", -1);
        if (expected.length != actual.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            boolean parameter = expected[i].startsWith("{") && expected[i].endsWith("}");
            if (parameter ? actual[i].isEmpty() : !expected[i].equals(actual[i])) {
                return false;
            }
        }
        return true;
    }

    private static Optional<String> header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(header -> header.getKey().equalsIgnoreCase(name))
                .flatMap(header -> header.getValue().stream()).findFirst();
    }

    private static String pointer(String... segments) {
        StringBuilder pointer = new StringBuilder();
        for (String segment : segments) {
            pointer.append('/').append(escape(segment));
        }
        return pointer.toString();
    }

    // RFC 6901: ~ and / inside a segment
    private static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }

    private static List<String> iterable(Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
