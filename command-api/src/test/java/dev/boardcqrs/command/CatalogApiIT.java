package dev.boardcqrs.command;

import static dev.boardcqrs.embedded.JsonHttp.toJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.JsonHttp.Response;
import dev.boardcqrs.embedded.SharedServers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The catalog rules of command-api: products on leaves only, no cycles, no deleting a catalog that holds something. */
class CatalogApiIT {
    private static EmbeddedDatabase database;
    private static TestApp app;
    private static JsonHttp http;

    @BeforeAll
    static void start() {
        database = SharedServers.database();
        app = TestApp.start(Map.of(), 4);
        http = app.http().as(TestConfig.token(5));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void shouldCreateRenameReorderAndMoveCatalogs() throws Exception {
        long root = catalog(null, "Fruit");
        long child = catalog(root, "Apples");

        Response renamed = http.put("/catalogs/" + child + "/name", toJson(Map.of("name", "Red apples")));
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.json().get("name").asText()).isEqualTo("Red apples");
        assertThat(http.put("/catalogs/" + child + "/order", toJson(Map.of("displayOrder", 7))).json()
                .get("displayOrder").asLong()).isEqualTo(7);

        Response toRoot = http.put("/catalogs/" + child + "/parent", "{\"parentId\": null}");
        assertThat(toRoot.status()).isEqualTo(200);
        assertThat(toRoot.json().get("parentId").isNull()).isTrue();
        assertThat(database.count("SELECT COUNT(*) FROM catalog WHERE parent_id IS NULL AND catalog_id = " + child))
                .isEqualTo(1);
        assertThat(http.put("/catalogs/" + child + "/parent", toJson(Map.of("parentId", root))).json()
                .get("parentId").asLong()).isEqualTo(root);
    }

    @Test
    void shouldRefuseAMoveThatWouldMakeACycle() throws Exception {
        long a = catalog(null, "A");
        long b = catalog(a, "B");
        long c = catalog(b, "C");

        for (long target : List.of(a, c)) {
            Response cycle = http.put("/catalogs/" + a + "/parent", toJson(Map.of("parentId", target)));
            assertThat(cycle.status()).isEqualTo(409);
            assertThat(cycle.json().get("error").asText()).contains("inside it");
        }
        assertThat(database.count("SELECT COUNT(*) FROM catalog WHERE parent_id IS NULL AND catalog_id = " + a))
                .as("nothing written").isEqualTo(1);
    }

    @Test
    void shouldRunOppositeMovesOneAfterTheOtherSoTheyNeverCloseACycle() throws Exception {
        for (int round = 0; round < 5; round++) {
            long a = catalog(null, "A");
            long b = catalog(null, "B");
            CompletableFuture<Response> aUnderB = CompletableFuture.supplyAsync(
                    () -> http.put("/catalogs/" + a + "/parent", toJson(Map.of("parentId", b))));
            CompletableFuture<Response> bUnderA = CompletableFuture.supplyAsync(
                    () -> http.put("/catalogs/" + b + "/parent", toJson(Map.of("parentId", a))));

            assertThat(List.of(aUnderB.get().status(), bUnderA.get().status())).containsExactlyInAnyOrder(200, 409);
            assertThat(database.count("SELECT COUNT(*) FROM catalog WHERE parent_id IS NULL AND catalog_id IN ("
                    + a + ", " + b + ")")).isEqualTo(1);
        }
    }

    @Test
    void shouldPutProductsOnLeafCatalogsOnly() throws Exception {
        long root = catalog(null, "Vegetables");
        long leaf = catalog(root, "Carrots");

        Response onInner = http.post("/products", productJson(root, "Carrot", 120));
        assertThat(onInner.status()).isEqualTo(409);
        assertThat(onInner.json().get("error").asText()).contains("leaf");

        long product = product(leaf, "Carrot", 120);
        Response underStocked = http.post("/catalogs", toJson(Map.of("name", "Baby carrots", "parentId", leaf)));
        assertThat(underStocked.status()).as("a catalog with products gets no children").isEqualTo(409);

        long other = catalog(null, "Other");
        Response moveOntoStocked = http.put("/catalogs/" + other + "/parent", toJson(Map.of("parentId", leaf)));
        assertThat(moveOntoStocked.status()).isEqualTo(409);
        Response productToInner = http.put("/products/" + product + "/catalog", toJson(Map.of("catalogId", root)));
        assertThat(productToInner.status()).isEqualTo(409);
        assertThat(database.count("SELECT COUNT(*) FROM product WHERE catalog_id = " + leaf)).isEqualTo(1);
    }

    @Test
    void shouldUpdateChangeStatusMoveAndDeleteProducts() throws Exception {
        long first = catalog(null, "Bread");
        long second = catalog(null, "Cakes");
        long product = product(first, "Baguette", 250);

        JsonNode updated = http.put("/products/" + product,
                toJson(Map.of("name", "Sourdough", "price", 420, "displayOrder", 3))).json();
        assertThat(updated.get("name").asText()).isEqualTo("Sourdough");
        assertThat(updated.get("price").asLong()).isEqualTo(420);
        assertThat(http.put("/products/" + product + "/status", toJson(Map.of("status", "SOLD_OUT"))).json()
                .get("status").asText()).isEqualTo("SOLD_OUT");
        assertThat(http.put("/products/" + product + "/catalog", toJson(Map.of("catalogId", second))).json()
                .get("catalogId").asLong()).isEqualTo(second);

        assertThat(http.delete("/products/" + product).status()).isEqualTo(204);
        assertThat(database.count("SELECT COUNT(*) FROM product WHERE product_id = " + product)).isZero();
        assertThat(http.delete("/products/" + product).status()).isEqualTo(404);
    }

    @Test
    void shouldDeleteOnlyAnEmptyCatalog() throws Exception {
        long root = catalog(null, "Dairy");
        long leaf = catalog(root, "Milk");
        long product = product(leaf, "Whole milk", 99);

        assertThat(http.delete("/catalogs/" + root).status()).as("has a child").isEqualTo(409);
        assertThat(http.delete("/catalogs/" + leaf).status()).as("has a product").isEqualTo(409);

        assertThat(http.delete("/products/" + product).status()).isEqualTo(204);
        assertThat(http.delete("/catalogs/" + leaf).status()).isEqualTo(204);
        assertThat(http.delete("/catalogs/" + root).status()).isEqualTo(204);
        assertThat(database.count("SELECT COUNT(*) FROM catalog WHERE catalog_id IN (" + root + ", " + leaf + ")"))
                .isZero();
    }

    @Test
    void shouldAnswer400ForBadInputAnd404ForUnknownIdsWritingNothing() throws Exception {
        long leaf = catalog(null, "Drinks");
        long catalogs = database.count("SELECT COUNT(*) FROM catalog");
        long products = database.count("SELECT COUNT(*) FROM product");

        assertThat(http.post("/catalogs", toJson(Map.of("name", " "))).status()).isEqualTo(400);
        assertThat(http.post("/catalogs", toJson(Map.of("name", "x", "displayOrder", -1))).status()).isEqualTo(400);
        assertThat(http.put("/catalogs/" + leaf + "/parent", "{}").status()).isEqualTo(400);
        assertThat(http.post("/products", toJson(Map.of("catalogId", leaf, "name", "Tea"))).status())
                .as("price missing").isEqualTo(400);
        Map<String, Object> badStatus = new HashMap<>(Map.of("catalogId", leaf, "name", "Tea", "price", 1));
        badStatus.put("status", "FREE");
        assertThat(http.post("/products", toJson(badStatus)).status()).isEqualTo(400);
        assertThat(http.post("/products", productJson(999_999, "Tea", 1)).status()).isEqualTo(404);
        assertThat(http.post("/catalogs", toJson(Map.of("name", "x", "parentId", 999_999))).status()).isEqualTo(404);
        assertThat(http.put("/catalogs/999999/name", toJson(Map.of("name", "x"))).status()).isEqualTo(404);
        assertThat(app.http().post("/catalogs", toJson(Map.of("name", "x"))).status()).as("no token").isEqualTo(401);

        assertThat(database.count("SELECT COUNT(*) FROM catalog")).isEqualTo(catalogs);
        assertThat(database.count("SELECT COUNT(*) FROM product")).isEqualTo(products);
    }

    private static long catalog(Long parentId, String name) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name));
        if (parentId != null) {
            body.put("parentId", parentId);
        }
        Response response = http.post("/catalogs", toJson(body));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("catalogId").asLong();
    }

    private static long product(long catalogId, String name, long price) {
        Response response = http.post("/products", productJson(catalogId, name, price));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("productId").asLong();
    }

    private static String productJson(long catalogId, String name, long price) {
        return toJson(Map.of("catalogId", catalogId, "name", name, "price", price));
    }
}
