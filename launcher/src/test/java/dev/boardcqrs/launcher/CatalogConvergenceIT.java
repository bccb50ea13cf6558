package dev.boardcqrs.launcher;

import static dev.boardcqrs.embedded.JsonHttp.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.projector.generation.RebuildRunningException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A seeded, reproducible run of random catalog and product writes, through command-api and as plain SQL that
 * ignores command-api's rules (products on inner or unknown catalogs, deleted parents, changed primary keys,
 * multi-row transactions), while the projector restarts, Redis is flushed, or, in the second run, a projector
 * JVM is killed with SIGKILL. At the end query-api's tree and every page must equal the truth computed from
 * SQL with a recursive CTE. Plain SQL never closes a cycle here: the model refuses those (see README).
 * <p>
 * CI runs a short version. A long one: {@code mvn -B verify -pl launcher -am -Dit.test=CatalogConvergenceIT
 * -Dconvergence.operations=20000 -Dconvergence.seed=42} (the seed of every run is printed).
 */
class CatalogConvergenceIT {
    private static final Logger log = LoggerFactory.getLogger(CatalogConvergenceIT.class);
    private static final KeyScheme KEYS = new KeyScheme(KeyScheme.DEFAULT_NAMESPACE);
    private static final List<String> STATUSES = List.of("ON_SALE", "ON_SALE", "SOLD_OUT", "HIDDEN");

    private static DevStack stack;
    private static JsonHttp command;
    private static JsonHttp query;
    private static EmbeddedDatabase db;

    @BeforeAll
    static void start() throws Exception {
        stack = TestStacks.start(Map.of("COMMAND_API_PORT", "0", "QUERY_API_PORT", "0", "PROJECTOR_PORT", "0"));
        command = new JsonHttp(stack.commandApiUrl()).as(stack.tokenFor(1));
        query = new JsonHttp(stack.queryApiUrl());
        db = stack.database();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void shouldConvergeToTheSqlTreeWhateverHappensOnTheWay() throws Exception {
        long seed = Long.getLong("convergence.seed", System.nanoTime());
        int operations = Integer.getInteger("convergence.operations", 400);
        log.info("catalog convergence run: seed {}, {} operations", seed, operations);
        Random random = new Random(seed);
        for (int i = 0; i < operations; i++) {
            write(random);
            if (random.nextInt(80) == 0) {
                stack.restartProjector();
            } else if (random.nextInt(250) == 0) {
                stack.redis().flushAll();
                db.execute("UPDATE product SET updated_at = updated_at LIMIT 1");
                db.execute("INSERT INTO catalog (name) VALUES ('after flush')");
                await().atMost(Duration.ofSeconds(60)).alias("rebuild after a flush, seed " + seed)
                        .ignoreExceptions() // no generation at all until the projector notices
                        .until(() -> stack.redis().hget(models().meta(), "watermark") != null
                                && "0".equals(stack.redis().hget(models().meta(), "building")));
            } else if (random.nextInt(200) == 0) {
                try { // an operator's rebuild: the new generation takes over once level with the active one
                    log.info("rebuilding into generation {}", stack.projector().rebuild("catalog convergence test"));
                } catch (RebuildRunningException alreadyRunning) {
                    log.info("not rebuilding: {}", alreadyRunning.getMessage());
                }
            }
        }
        awaitNoDifferences(seed);
    }

    @Test
    void shouldConvergeWhenTheProjectorProcessIsKilledAtRandomMoments() throws Exception {
        long seed = Long.getLong("convergence.seed", System.nanoTime()) + 7;
        int operations = Integer.getInteger("convergence.operations", 400) / 2;
        log.info("catalog convergence run with kill -9: seed {}, {} operations", seed, operations);
        Random random = new Random(seed);
        stack.projector().close(); // a separate JVM takes over the same offsets and namespace
        ProjectorProcess projector = ProjectorProcess.start(stack, Map.of());
        int kills = 0;
        try {
            for (int i = 0; i < operations; i++) {
                write(random);
                if (random.nextInt(30) == 0) {
                    projector.kill();
                    kills++;
                    projector = ProjectorProcess.start(stack, Map.of());
                }
            }
            log.info("catalog convergence run with kill -9: seed {}: writes done after {} kills", seed, kills);
            awaitNoDifferences(seed);
        } finally {
            projector.kill();
            stack.restartProjector();
        }
    }

    private static void awaitNoDifferences(long seed) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .untilAsserted(() -> assertThat(differences()).as("differences, seed " + seed).isEmpty());
    }

    private static void write(Random random) throws Exception {
        List<Long> catalogs = db.ids("SELECT catalog_id FROM catalog");
        List<Long> products = db.ids("SELECT product_id FROM product");
        Long catalog = pick(random, catalogs);
        Long product = pick(random, products);
        switch (random.nextInt(16)) {
            case 0, 1 -> command.post("/catalogs", toJson(withParent(Map.of("name", "c" + random.nextInt(1000),
                    "displayOrder", random.nextInt(5)), catalogs.size() < 3 || random.nextInt(4) == 0 ? null : catalog)));
            case 2 -> command.put("/catalogs/" + catalog + "/name", toJson(Map.of("name", "r" + random.nextInt(1000))));
            case 3 -> command.put("/catalogs/" + catalog + "/order", toJson(Map.of("displayOrder", random.nextInt(5))));
            case 4 -> command.put("/catalogs/" + catalog + "/parent",
                    random.nextInt(4) == 0 || catalogs.isEmpty() ? "{\"parentId\": null}"
                            : toJson(Map.of("parentId", pick(random, catalogs))));
            case 5 -> command.delete("/catalogs/" + catalog);
            case 6, 7 -> command.post("/products", toJson(Map.of("catalogId", catalog == null ? 1 : catalog,
                    "name", "p" + random.nextInt(1000), "price", random.nextInt(500), "displayOrder", random.nextInt(4),
                    "status", STATUSES.get(random.nextInt(STATUSES.size())))));
            case 8 -> command.put("/products/" + product + "/status",
                    toJson(Map.of("status", STATUSES.get(random.nextInt(STATUSES.size())))));
            case 9 -> command.put("/products/" + product, toJson(Map.of("name", "u" + random.nextInt(1000),
                    "price", random.nextInt(500), "displayOrder", random.nextInt(4))));
            case 10 -> command.put("/products/" + product + "/catalog", toJson(Map.of("catalogId", catalog == null ? 1 : catalog)));
            case 11 -> command.delete("/products/" + product);
            default -> plainSql(random, catalogs, catalog, product);
        }
    }

    /** Writes command-api would refuse, and several rows in one transaction. */
    private static void plainSql(Random random, List<Long> catalogs, Long catalog, Long product) throws SQLException {
        if (catalog == null) {
            db.execute("INSERT INTO catalog (name) VALUES ('first')");
            return;
        }
        switch (random.nextInt(8)) {
            // any catalog, inner or unknown
            case 0 -> db.execute("INSERT INTO product (catalog_id, name, price, status, display_order) "
                    + "VALUES (?, 'sql', 1, ?, ?)", random.nextInt(5) == 0 ? 999_999 : catalog,
                    STATUSES.get(random.nextInt(STATUSES.size())), random.nextInt(4));
            case 1 -> db.execute("UPDATE product SET status = IF(status = 'ON_SALE', 'SOLD_OUT', 'ON_SALE') "
                    + "WHERE catalog_id = ?", catalog);
            case 2 -> {
                try {
                    db.execute("UPDATE product SET product_id = product_id + 100000 WHERE product_id = ?", product);
                } catch (SQLIntegrityConstraintViolationException taken) {
                    log.debug("id {} + 100000 is taken: the database refused the write, nothing changed", product);
                }
            }
            // may leave children and products hanging under a catalog that no longer exists
            case 3 -> db.execute("DELETE FROM catalog WHERE catalog_id = ?", catalog);
            case 4 -> {
                Long parent = pick(random, catalogs);
                if (parent != null && !ancestors(parent).contains(catalog)) {
                    db.execute("UPDATE catalog SET parent_id = ? WHERE catalog_id = ?", parent, catalog);
                }
            }
            case 5 -> db.executeInTransaction("UPDATE product SET display_order = (display_order + 1) % 4 WHERE catalog_id = " + catalog,
                    "UPDATE catalog SET display_order = (display_order + 1) % 5 WHERE catalog_id = " + catalog,
                    "UPDATE product SET catalog_id = " + catalog + " WHERE product_id = " + product);
            case 6 -> db.execute("UPDATE catalog SET parent_id = NULL WHERE catalog_id = ?", catalog);
            default -> {
                long id = 900_000 + random.nextInt(20);
                if (!ancestors(catalog).contains(id)) {
                    db.execute("INSERT INTO catalog (catalog_id, parent_id, name, display_order) VALUES (?, ?, 'sql', ?) "
                            + "ON DUPLICATE KEY UPDATE name = 'sql again'", id, catalog, random.nextInt(5));
                }
            }
        }
    }

    /** What query-api shows and SQL says it should, as comparable lines; no lines means no differences. */
    private static List<String> differences() throws Exception {
        List<String> expected = new ArrayList<>();
        Map<Long, List<String>> onSale = onSaleBelow();
        Map<Long, Row> rows = catalogRows();
        Map<Long, List<Row>> children = new HashMap<>();
        rows.values().forEach(row -> children.computeIfAbsent(row.parentId() == null ? 0 : row.parentId(),
                parent -> new ArrayList<>()).add(row));
        children.values().forEach(list -> list.sort(Comparator.comparingLong(Row::order).thenComparingLong(Row::id)));
        describeTruth(children.getOrDefault(0L, List.of()), children, onSale, 0, expected);

        List<String> actual = new ArrayList<>();
        describeShown(query.get("/catalogs/tree").json().get("catalogs"), 0, actual);

        List<String> differences = new ArrayList<>();
        if (!expected.equals(actual)) {
            differences.add("tree: expected " + expected + " but query-api shows " + actual);
        }
        for (long catalogId : rows.keySet()) {
            List<String> truth = onSale.get(catalogId);
            List<String> shown = shownProducts(catalogId);
            if (!java.util.Objects.equals(truth, shown)) {
                differences.add("products of " + catalogId + ": expected " + truth + " but query-api shows " + shown);
            }
        }
        return differences;
    }

    private static void describeTruth(List<Row> nodes, Map<Long, List<Row>> children, Map<Long, List<String>> onSale,
                                      int depth, List<String> lines) {
        for (Row row : nodes) {
            List<String> products = onSale.get(row.id());
            if (products != null) {
                lines.add(depth + " " + row.id() + " " + row.name() + " " + row.order() + " " + products.size());
                describeTruth(children.getOrDefault(row.id(), List.of()), children, onSale, depth + 1, lines);
            }
        }
    }

    private static void describeShown(JsonNode nodes, int depth, List<String> lines) {
        for (JsonNode node : nodes) {
            lines.add(depth + " " + node.get("catalogId").asLong() + " " + node.get("name").asText() + " "
                    + node.get("displayOrder").asLong() + " " + node.get("sellableCount").asLong());
            describeShown(node.get("children"), depth + 1, lines);
        }
    }

    /** "id:name:price" of the ON_SALE products in display order of every displayed catalog, or null (404) for the others. */
    private static List<String> shownProducts(long catalogId) {
        JsonHttp.Response first = query.get("/catalogs/" + catalogId + "/products?pageSize=100");
        if (first.status() == 404) {
            return null;
        }
        List<String> ids = new ArrayList<>();
        long total = first.json().get("total").asLong();
        for (int page = 1; ids.size() < total; page++) {
            JsonNode products = query.get("/catalogs/" + catalogId + "/products?pageSize=100&page=" + page).json()
                    .get("products");
            if (products.isEmpty()) {
                break;
            }
            products.forEach(product -> ids.add(product.get("productId").asLong() + ":" + product.get("name").asText()
                    + ":" + product.get("price").asLong()));
        }
        return ids;
    }

    private record Row(long id, Long parentId, String name, long order) {
    }

    private static Map<Long, Row> catalogRows() throws SQLException {
        Map<Long, Row> rows = new TreeMap<>();
        try (Connection connection = db.connectAsRoot(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT catalog_id, parent_id, name, display_order FROM catalog")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), new Row(rs.getLong(1), rs.getObject(2, Long.class), rs.getString(3), rs.getLong(4)));
            }
        }
        return rows;
    }

    /**
     * The truth: for each catalog reachable from a root, the ON_SALE products of its subtree in display order.
     * Catalogs under a missing parent are unreachable, so not displayed.
     */
    private static Map<Long, List<String>> onSaleBelow() throws SQLException {
        Map<Long, List<String>> onSale = new HashMap<>();
        try (Connection connection = db.connectAsRoot(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("""
                     WITH RECURSIVE reachable (catalog_id) AS (
                         SELECT catalog_id FROM catalog WHERE parent_id IS NULL
                         UNION ALL
                         SELECT c.catalog_id FROM catalog c JOIN reachable r ON c.parent_id = r.catalog_id),
                     below (ancestor_id, catalog_id) AS (
                         SELECT catalog_id, catalog_id FROM reachable
                         UNION ALL
                         SELECT b.ancestor_id, c.catalog_id FROM catalog c JOIN below b ON c.parent_id = b.catalog_id)
                     SELECT b.ancestor_id, p.product_id, p.name, p.price FROM below b JOIN product p ON p.catalog_id = b.catalog_id
                     WHERE p.status = 'ON_SALE' ORDER BY b.ancestor_id, p.display_order, p.product_id""")) {
            while (rs.next()) {
                onSale.computeIfAbsent(rs.getLong(1), id -> new ArrayList<>()).add(rs.getLong(2) + ":" + rs.getString(3) + ":" + rs.getLong(4));
            }
        }
        return onSale;
    }

    /** The catalog and every parent id up its chain, also one whose row is gone (re-inserting it must not close a cycle). */
    private static Set<Long> ancestors(long catalogId) throws SQLException {
        return Set.copyOf(db.ids("WITH RECURSIVE up (catalog_id, parent_id) AS (SELECT catalog_id, parent_id FROM catalog "
                + "WHERE catalog_id = " + catalogId + " UNION ALL SELECT c.catalog_id, c.parent_id FROM catalog c "
                + "JOIN up ON c.catalog_id = up.parent_id) SELECT parent_id FROM up WHERE parent_id IS NOT NULL UNION SELECT "
                + catalogId));
    }

    private static Map<String, Object> withParent(Map<String, Object> body, Long parentId) {
        Map<String, Object> withParent = new HashMap<>(body);
        if (parentId != null) {
            withParent.put("parentId", parentId);
        }
        return withParent;
    }

    private static Long pick(Random random, List<Long> ids) {
        return ids.isEmpty() ? null : ids.get(random.nextInt(ids.size()));
    }

    /** The keys of the generation readers use now. */
    private static KeyScheme models() {
        return KEYS.activeIn(stack.redis()).orElseThrow(() -> new AssertionError("the projector has made no generation yet"));
    }
}
