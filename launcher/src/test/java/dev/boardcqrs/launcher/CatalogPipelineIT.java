package dev.boardcqrs.launcher;

import static dev.boardcqrs.embedded.JsonHttp.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.JsonHttp.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The catalog display end to end: command-api or plain SQL -> binlog -> cdc-projector -> Redis -> query-api.
 * Each test builds its own root catalogs and looks only at them in the tree.
 */
class CatalogPipelineIT {
    private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(15);

    private static DevStack stack;
    private static JsonHttp command;
    private static JsonHttp query;

    @BeforeAll
    static void start() throws Exception {
        stack = TestStacks.start(Map.of("COMMAND_API_PORT", "0", "QUERY_API_PORT", "0", "PROJECTOR_PORT", "0"));
        command = new JsonHttp(stack.commandApiUrl()).as(stack.tokenFor(1));
        query = new JsonHttp(stack.queryApiUrl());
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void shouldShowOnlyCatalogsWithProductsOnSaleWithTheirCountsInDisplayOrder() {
        long food = catalog(null, "Food", 1);
        long fruit = catalog(food, "Fruit", 2);
        long veg = catalog(food, "Vegetables", 1);
        long empty = catalog(food, "Empty", 0);
        long apple = product(fruit, "Apple", 2, "ON_SALE");
        product(fruit, "Pear", 1, "ON_SALE");
        product(veg, "Leek", 5, "ON_SALE");
        long hidden = product(empty, "Secret", 1, "HIDDEN");

        eventually(() -> {
            JsonNode root = root(food);
            assertThat(root.get("sellableCount").asLong()).isEqualTo(3);
            assertThat(childIds(root)).as("Empty has nothing on sale; Vegetables before Fruit").containsExactly(veg, fruit);
            assertThat(child(root, fruit).get("sellableCount").asLong()).isEqualTo(2);
            assertThat(productNames(food, 1, 20)).containsExactly("Pear", "Apple", "Leek");
            assertThat(query.get("/catalogs/" + food + "/products?page=1&pageSize=20").json().get("total").asLong())
                    .isEqualTo(3);
        });
        assertThat(query.get("/catalogs/" + empty + "/products").status()).isEqualTo(404);
        assertThat(query.get("/catalogs/99999999/products").json().get("error").asText()).contains("99999999");

        command.put("/products/" + hidden + "/status", toJson(Map.of("status", "ON_SALE")));
        command.put("/products/" + apple + "/status", toJson(Map.of("status", "SOLD_OUT")));
        eventually(() -> {
            assertThat(childIds(root(food))).containsExactly(empty, veg, fruit);
            assertThat(child(root(food), fruit).get("sellableCount").asLong()).isEqualTo(1);
            assertThat(productNames(food, 1, 2)).as("same display order: by id").containsExactly("Pear", "Secret");
            assertThat(productNames(food, 2, 2)).containsExactly("Leek");
        });
    }

    @Test
    void shouldMoveCountsAndProductsWithAMovedSubtreeOrProduct() {
        long left = catalog(null, "Left", 0);
        long right = catalog(null, "Right", 0);
        long middle = catalog(left, "Middle", 0);
        long leaf = catalog(middle, "Leaf", 0);
        long other = catalog(right, "Other", 0);
        long bakery = catalog(right, "Bakery", 1);
        long milk = product(leaf, "Milk", 1, "ON_SALE");
        product(leaf, "Cheese", 2, "ON_SALE");
        product(bakery, "Bread", 1, "ON_SALE");
        eventually(() -> assertThat(root(left).get("sellableCount").asLong()).isEqualTo(2));

        assertThat(command.put("/catalogs/" + middle + "/parent", toJson(Map.of("parentId", other))).status())
                .isEqualTo(200);
        eventually(() -> {
            assertThat(root(left)).as("nothing on sale under Left any more").isNull();
            assertThat(root(right).get("sellableCount").asLong()).isEqualTo(3);
            assertThat(child(root(right), other).get("sellableCount").asLong()).isEqualTo(2);
            assertThat(child(root(right), leaf).get("sellableCount").asLong()).isEqualTo(2);
        });
        assertThat(command.put("/catalogs/" + other + "/parent", toJson(Map.of("parentId", other))).status())
                .isEqualTo(409);

        long shelf = catalog(null, "Shelf", 0);
        command.put("/products/" + milk + "/catalog", toJson(Map.of("catalogId", shelf)));
        eventually(() -> {
            assertThat(root(shelf).get("sellableCount").asLong()).isEqualTo(1);
            assertThat(root(right).get("sellableCount").asLong()).isEqualTo(2);
            assertThat(productNames(right, 1, 20)).containsExactly("Bread", "Cheese");
        });
    }

    @Test
    void shouldTreatPlainSqlWritesInAnyOrderLikeCommandApiWrites() throws Exception {
        long base = 5_000_000 + System.nanoTime() % 1_000_000 * 10;
        long root = base;
        long child = base + 1;
        // the product and the child arrive before the catalogs they hang under
        stack.database().execute("INSERT INTO product (catalog_id, name, price, status, display_order) "
                + "VALUES (?, 'Early', 10, 'ON_SALE', 1)", child);
        stack.database().execute("INSERT INTO catalog (catalog_id, parent_id, name) VALUES (?, ?, 'Child')", child, root);
        eventually(() -> assertThat(root(root)).isNull());
        stack.database().execute("INSERT INTO catalog (catalog_id, parent_id, name) VALUES (?, NULL, 'Root')", root);
        eventually(() -> {
            assertThat(root(root).get("sellableCount").asLong()).isEqualTo(1);
            assertThat(root(root).get("name").asText()).isEqualTo("Root");
            assertThat(productNames(child, 1, 20)).containsExactly("Early");
        });

        // a cycle made with plain SQL cannot be shown; the model keeps its tree and the projector carries on
        stack.database().execute("UPDATE catalog SET parent_id = ? WHERE catalog_id = ?", child, root);
        stack.database().execute("UPDATE product SET name = 'After cycle' WHERE catalog_id = ?", child);
        eventually(() -> assertThat(productNames(child, 1, 20)).containsExactly("After cycle"));

        // deleting a catalog with plain SQL hides what hangs under it, as the SQL tree does
        stack.database().execute("UPDATE catalog SET parent_id = NULL WHERE catalog_id = ?", root);
        stack.database().execute("DELETE FROM catalog WHERE catalog_id = ?", root);
        eventually(() -> {
            assertThat(root(root)).isNull();
            assertThat(query.get("/catalogs/" + child + "/products").status()).isEqualTo(404);
        });
        stack.database().execute("INSERT INTO catalog (catalog_id, parent_id, name) VALUES (?, NULL, 'Back')", root);
        eventually(() -> assertThat(root(root).get("sellableCount").asLong()).isEqualTo(1));
    }

    @Test
    void shouldAnswer503WhileTheActiveGenerationIsBeingBuilt() {
        KeyScheme keys = new KeyScheme(KeyScheme.DEFAULT_NAMESPACE).activeIn(stack.redis()).orElseThrow();
        String before = stack.redis().hget(keys.meta(), "building");
        stack.redis().hset(keys.meta(), "building", "1");
        try {
            Response tree = query.get("/catalogs/tree");
            assertThat(tree.status()).isEqualTo(503);
            assertThat(tree.json().get("error").asText()).contains("rebuilt");
        } finally {
            stack.redis().hset(keys.meta(), "building", before == null ? "0" : before);
        }
    }

    private static long catalog(Long parentId, String name, int order) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "displayOrder", order));
        if (parentId != null) {
            body.put("parentId", parentId);
        }
        return command.post("/catalogs", toJson(body)).json().get("catalogId").asLong();
    }

    private static long product(long catalogId, String name, int order, String status) {
        return command.post("/products", toJson(Map.of("catalogId", catalogId, "name", name, "price", 100,
                "displayOrder", order, "status", status))).json().get("productId").asLong();
    }

    /** The displayed root with this id, or null when it is not displayed. */
    private static JsonNode root(long catalogId) {
        return find(query.get("/catalogs/tree").json().get("catalogs"), catalogId);
    }

    private static JsonNode child(JsonNode node, long catalogId) {
        for (JsonNode child : node.get("children")) {
            JsonNode found = child.get("catalogId").asLong() == catalogId ? child : child(child, catalogId);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static JsonNode find(JsonNode nodes, long catalogId) {
        for (JsonNode node : nodes) {
            if (node.get("catalogId").asLong() == catalogId) {
                return node;
            }
        }
        return null;
    }

    private static List<Long> childIds(JsonNode node) {
        List<Long> ids = new ArrayList<>();
        node.get("children").forEach(child -> ids.add(child.get("catalogId").asLong()));
        return ids;
    }

    private static List<String> productNames(long catalogId, int page, int pageSize) {
        Response response = query.get("/catalogs/" + catalogId + "/products?page=" + page + "&pageSize=" + pageSize);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        response.json().get("products").forEach(product -> names.add(product.get("name").asText()));
        return names;
    }

    private static void eventually(ThrowingRunnable assertion) {
        // a node not displayed yet reads as null; the last failure is reported if it never is
        await().atMost(VISIBLE_WITHIN).pollInterval(Duration.ofMillis(50)).ignoreExceptions().untilAsserted(assertion);
    }
}
