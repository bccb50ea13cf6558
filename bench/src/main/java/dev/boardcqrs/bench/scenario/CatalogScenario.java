package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.bench.load.IdPicker;
import dev.boardcqrs.bench.load.LoadRun;
import dev.boardcqrs.bench.report.Results;
import dev.boardcqrs.bench.report.Section;
import dev.boardcqrs.common.catalog.CatalogKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.embedded.EmbeddedMariaDb;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SqlNumbers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Catalog display: a tree of 10,000 catalogs, five children each down to depth 6, with 1,000,000 products on
 * its leaves (both scaled by BENCH_SCALE), written with bulk SQL and carried to Redis by the projector. Then
 * single status flips of a product on the deepest leaf, each timed from its commit until the root's sellable
 * count in Redis (what the tree endpoint reads) shows it, with the Redis commands it cost (INFO commandstats,
 * Lua's inner calls included), and the first tree read that shows it (query-api builds the tree again after a
 * change); then the tree endpoint's latency under load, answered from query-api's near cache.
 */
public final class CatalogScenario implements Scenario {
    private static final int CHILDREN = 5;
    private static final int FLIPS = 11;
    private static final Duration WAIT = Duration.ofMinutes(20);

    @Override
    public String name() {
        return "catalog";
    }

    @Override
    public void run(BenchContext context, Results results) throws Exception {
        EmbeddedDatabase db = context.stack().database();
        UnifiedJedis redis = context.stack().redis();
        long catalogs = Math.max(40, Math.round(10_000 * context.config().scale()));
        long products = Math.max(200, Math.round(1_000_000 * context.config().scale()));
        long firstLeaf = (catalogs - 2) / CHILDREN + 2; // every id from here on has no children
        long leaves = catalogs - firstLeaf + 1;

        long started = System.nanoTime();
        db.execute("INSERT INTO catalog (catalog_id, parent_id, name, display_order) SELECT seq, IF(seq = 1, NULL, "
                + "(seq - 2) DIV " + CHILDREN + " + 1), CONCAT('catalog ', seq), seq % 7 FROM " + SqlNumbers.rows(1, catalogs));
        // in transactions of 10,000 rows: the projector applies a source transaction in one MULTI/EXEC, and one
        // of 100,000 catalog changes kept Redis busy for longer than its clients' 2 s read timeout
        for (long from = 1; from <= products; from += 10_000) {
            long to = Math.min(products, from + 9_999);
            db.execute("INSERT INTO product (product_id, catalog_id, name, price, status, display_order) SELECT seq, "
                    + firstLeaf + " + seq % " + leaves + ", CONCAT('product ', seq), seq % 1000, "
                    + "IF(seq % 10 = 0, 'SOLD_OUT', 'ON_SALE'), seq % 13 FROM " + SqlNumbers.rows(from, to));
        }
        long onSale = db.count("SELECT COUNT(*) FROM product WHERE status = 'ON_SALE'");
        String root = models(context, redis).catalog(1);
        awaitSellable(redis, root, onSale);
        double carriedSeconds = (System.nanoTime() - started) / 1e9;

        long leaf = catalogs;
        int depth = depth(leaf);
        long product = db.count("SELECT MIN(product_id) FROM product WHERE status = 'ON_SALE' AND catalog_id = " + leaf);
        List<Double> flipMillis = new ArrayList<>();
        List<Double> flipCommands = new ArrayList<>();
        List<Double> treeAfterFlipMillis = new ArrayList<>();
        JsonHttp query = new JsonHttp(context.stack().queryApiUrl());
        Map<String, Long> lastBreakdown = Map.of();
        for (int i = 0; i < FLIPS; i++) {
            boolean off = i % 2 == 0;
            long expected = onSale + (off ? -1 : 0);
            redis.sendCommand(Protocol.Command.CONFIG, "RESETSTAT");
            long flipStarted = System.nanoTime();
            db.execute("UPDATE product SET status = ? WHERE product_id = ?", off ? "SOLD_OUT" : "ON_SALE", product);
            long polls = awaitSellable(redis, root, expected);
            flipMillis.add((System.nanoTime() - flipStarted) / 1e6);
            lastBreakdown = commandCalls(redis, polls);
            flipCommands.add((double) lastBreakdown.values().stream().mapToLong(Long::longValue).sum());
            treeAfterFlipMillis.add(firstTreeShowing(query, expected));
        }

        LoadRun.Result tree = LoadRun.run(context.queryApiPort(), "/catalogs/tree", new IdPicker(1, 0), 10,
                context.config().warmup(), context.config().duration());
        int treeBytes = query.get("/catalogs/tree").body().getBytes(StandardCharsets.UTF_8).length;

        results.add(Section.of(name(), "Catalog display", "what", "value"))
                .row("catalogs / products (ON_SALE)", catalogs + " / " + products + " (" + onSale + ")")
                .row("bulk insert to the whole tree in Redis, s", carriedSeconds)
                .row("status flip at depth " + depth + ": commit to visible, median ms (" + FLIPS + ")",
                        Stats.median(flipMillis))
                .row("status flip at depth " + depth + ": Redis commands, median", Stats.median(flipCommands))
                .row("first GET /catalogs/tree showing a flip (built again): median ms", Stats.median(treeAfterFlipMillis))
                .row("GET /catalogs/tree at c=10: requests/s", tree.throughput())
                .row("GET /catalogs/tree at c=10: p50 / p99 ms", tree.p50Ms() + " / " + tree.p99Ms())
                .row("GET /catalogs/tree: response bytes, errors", treeBytes + ", " + tree.errors())
                .put("catalogs", catalogs)
                .put("products", products)
                .put("onSale", onSale)
                .put("carriedSeconds", carriedSeconds)
                .put("flipDepth", depth)
                .put("flipMillisMedian", Stats.median(flipMillis))
                .put("flipRedisCommandsMedian", Stats.median(flipCommands))
                .put("flipRedisCommandsLast", lastBreakdown)
                .put("treeAfterFlipMillisMedian", Stats.median(treeAfterFlipMillis))
                .put("treeThroughput", tree.throughput())
                .put("treeP50Ms", tree.p50Ms())
                .put("treeP99Ms", tree.p99Ms())
                .put("treeErrors", tree.errors())
                .note("A flip is timed until the root's sellable count in Redis changes, polled with HGET (those polls "
                        + "are not counted). Its Redis commands are everything Redis ran meanwhile: the projector's "
                        + "batch (WATCH, reads of meta and pointer, MULTI/EXEC, EVALSHA) and the Lua script's own "
                        + "calls along the product's " + depth + " ancestors; nothing else writes then.")
                .note("query-api keeps the tree's JSON until Redis reports a change to a key it was read from (near "
                        + "cache), and checks with one small script call per read that the generation is not being "
                        + "built. The first read after a change builds it again: that is the 'built again' row. The "
                        + "load then reads an unchanged tree.");
    }

    /**
     * Reads the tree until its root shows {@code sellable} products (the first reads may still get the tree from
     * before the flip, until query-api hears of it); answers how long the read that showed it took.
     */
    private static double firstTreeShowing(JsonHttp query, long sellable) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long started = System.nanoTime();
            JsonHttp.Response tree = query.get("/catalogs/tree");
            double millis = (System.nanoTime() - started) / 1e6;
            if (tree.status() == 200 && tree.json().get("catalogs").get(0).get("sellableCount").asLong() == sellable) {
                return millis;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the tree did not show " + sellable + " sellable products in "
                        + WAIT.toMinutes() + " min");
            }
        }
    }

    private static CatalogKeys models(BenchContext context, UnifiedJedis redis) {
        return new KeyScheme(context.stack().projectorConfig().namespace()).activeIn(redis).map(CatalogKeys::in)
                .orElseThrow(() -> new IllegalStateException("the projector has made no generation of the models"));
    }

    /** Waits until the catalog's sellable count is {@code expected}; answers how many HGETs that took. */
    private static long awaitSellable(UnifiedJedis redis, String catalogKey, long expected) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long polls = 0;
        while (true) {
            polls++;
            try {
                if (Long.toString(expected).equals(redis.hget(catalogKey, "sellable"))) {
                    return polls;
                }
            } catch (JedisConnectionException busy) {
                // Redis busy with a large EXEC past the read timeout: keep waiting, that is what is measured
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(catalogKey + " did not reach " + expected + " sellable products in "
                        + WAIT.toMinutes() + " min");
            }
            Thread.onSpinWait();
        }
    }

    /** Calls per command since the last RESETSTAT, without this scenario's own polls and INFO. */
    private static Map<String, Long> commandCalls(UnifiedJedis redis, long polls) {
        String info = new String((byte[]) redis.sendCommand(Protocol.Command.INFO, "commandstats"),
                StandardCharsets.UTF_8);
        Map<String, Long> calls = new TreeMap<>();
        for (String line : info.split("\r\n")) {
            if (line.startsWith("cmdstat_")) {
                String command = line.substring("cmdstat_".length(), line.indexOf(':'));
                long count = Long.parseLong(line.substring(line.indexOf("calls=") + 6, line.indexOf(',')));
                calls.put(command, count);
            }
        }
        calls.computeIfPresent("hget", (command, count) -> count - polls > 0 ? count - polls : null);
        calls.remove("info");
        calls.remove("config|resetstat");
        return calls;
    }

    /** How deep a catalog hangs in the seeded tree (the root is at 0). */
    private static int depth(long catalog) {
        int depth = 0;
        for (long id = catalog; id != 1; id = (id - 2) / CHILDREN + 1) {
            depth++;
        }
        return depth;
    }
}
