package dev.boardcqrs.query.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.boardcqrs.common.catalog.CatalogKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.common.web.ApiException;
import dev.boardcqrs.query.QueryScripts;
import dev.boardcqrs.query.ScriptCalls;
import dev.boardcqrs.query.consistency.ReadMode;
import dev.boardcqrs.query.degrade.RedisBreaker;
import dev.boardcqrs.query.degrade.Served;
import dev.boardcqrs.query.nearcache.NearCache;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * Reads the catalog display model, each answer in one EVALSHA. The projector owns the model whole (no TTL,
 * no read-through), so while a snapshot rebuilds the namespace there is nothing to read: 503, try again.
 * The whole tree's JSON is kept in a near cache until Redis reports a change to a key it was read from:
 * building and writing it is most of what a tree read costs. While Redis is down the tree is built from the
 * database ({@link CatalogTreeFromDatabase}). This is a service: no HTTP here.
 */
public final class CatalogQueries {
    private static final LuaScript TREE_SCRIPT = QueryScripts.of("lua/catalog_tree.lua");
    private static final LuaScript PRODUCTS = QueryScripts.of("lua/catalog_products.lua");
    private static final int TREE_FIELDS = 5;
    /** The one key of the tree cache. */
    static final String TREE = "tree";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ScriptCalls scripts;
    private final KeyScheme keys;
    private final NearCache<String, byte[]> treeCache;
    private final RedisBreaker breaker;
    private final CatalogTreeFromDatabase database;

    public CatalogQueries(UnifiedJedis redis, KeyScheme keys, NearCache<String, byte[]> treeCache,
                          RedisBreaker breaker, CatalogTreeFromDatabase database) {
        this.scripts = ScriptCalls.of(redis, keys);
        this.keys = keys;
        this.treeCache = treeCache;
        this.breaker = breaker;
        this.database = database;
    }

    /**
     * {@code {"catalogs": [...]}}: the roots of the displayed tree, each with its displayed subtree, as JSON; built
     * from the database while Redis is down.
     */
    public Served<byte[]> treeJson() {
        return treeJson(ReadMode.CACHED);
    }

    /**
     * The tree as {@code mode} allows reading it: a read after a token skips the kept trees (Redis' and the
     * database's shared build), and one whose token the projector did not reach in time is built from SQL now.
     */
    public Served<byte[]> treeJson(ReadMode mode) {
        if (mode == ReadMode.DATABASE) {
            return Served.byDatabase(database.currentTreeJson());
        }
        return breaker.read(() -> treeJsonFromRedis(mode),
                mode == ReadMode.CACHED ? database::treeJson : database::currentTreeJson);
    }

    private byte[] treeJsonFromRedis(ReadMode mode) {
        byte[] kept = mode == ReadMode.CACHED ? treeCache.get(TREE) : null;
        if (kept != null) {
            // a kept tree is current, but whether the generation is being built is not reported: one small read
            answer(scripts.call(TREE_SCRIPT, CatalogKeys.TAG, List.of(keys.namespace(), "check")));
            return kept;
        }
        NearCache.Reservation reservation = mode == ReadMode.CACHED ? treeCache.reserve(TREE) : null;
        try {
            byte[] json = JSON.writeValueAsBytes(Map.of("catalogs", tree()));
            treeCache.store(TREE, reservation, json);
            return json;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the catalog tree could not be written as JSON", e);
        }
    }

    /** The roots of the displayed tree, each with its displayed subtree. */
    private List<CatalogNode> tree() {
        List<?> flat = answer(scripts.call(TREE_SCRIPT, CatalogKeys.TAG, List.of(keys.namespace(), "tree")));
        List<CatalogNode> roots = new ArrayList<>();
        // pre-order with depths: the open path from the root to the last node read
        Deque<List<CatalogNode>> open = new ArrayDeque<>();
        for (int i = 1; i + TREE_FIELDS - 1 < flat.size(); i += TREE_FIELDS) {
            int depth = (int) (long) (Long) flat.get(i + 1);
            CatalogNode node = new CatalogNode(Long.parseLong(text(flat.get(i))), text(flat.get(i + 2)),
                    Long.parseLong(text(flat.get(i + 3))), Long.parseLong(text(flat.get(i + 4))), new ArrayList<>());
            while (open.size() > depth) {
                open.pop();
            }
            (open.isEmpty() ? roots : open.peek()).add(node);
            open.push(node.children());
        }
        return roots;
    }

    /**
     * Page {@code page} (from 1) of the ON_SALE products under a displayed catalog; empty when not displayed. Served
     * by Redis only: while it is down, or has not reached a read's consistency token in time, 503 at once.
     */
    public Optional<ProductView.Page> products(long catalogId, int page, int pageSize, ReadMode mode) {
        requireRedis(mode);
        return breaker.read(() -> productsFromRedis(catalogId, page, pageSize), () -> {
            throw ApiException.unavailable("a catalog's products are served from Redis only, which is unavailable, "
                    + "try again later");
        }).value();
    }

    private Optional<ProductView.Page> productsFromRedis(long catalogId, int page, int pageSize) {
        long first = (long) (page - 1) * pageSize;
        List<?> flat = answer(scripts.call(PRODUCTS, CatalogKeys.TAG, List.of(keys.namespace(), Long.toString(catalogId),
                Long.toString(first), Long.toString(first + pageSize - 1))));
        long total = (Long) flat.get(1);
        if (total < 0) {
            return Optional.empty();
        }
        List<ProductView> products = new ArrayList<>();
        for (int i = 2; i + 1 < flat.size(); i += 2) {
            Map<String, String> fields = fields((List<?>) flat.get(i + 1));
            products.add(new ProductView(Long.parseLong(text(flat.get(i))), Long.parseLong(fields.get("catalog")),
                    fields.get("name"), Long.parseLong(fields.get("price")), Long.parseLong(fields.get("order")),
                    fields.get("updatedAt")));
        }
        return Optional.of(new ProductView.Page(products, total));
    }

    /**
     * A catalog's products have no SQL path (the tree has one, built whole), so a read whose token the projector did
     * not reach in time cannot be answered fresh.
     */
    private static void requireRedis(ReadMode mode) {
        if (mode == ReadMode.DATABASE) {
            throw ApiException.unavailable("the catalog display has not reached this consistency token yet, "
                    + "try again shortly");
        }
    }

    private static List<?> answer(Object reply) {
        List<?> flat = (List<?>) reply;
        if ((Long) flat.get(0) == 1L) {
            throw ApiException.unavailable("the catalog display is being rebuilt, try again shortly");
        }
        return flat;
    }

    private static Map<String, String> fields(List<?> flat) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            map.put(text(flat.get(i)), text(flat.get(i + 1)));
        }
        return map;
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                : String.valueOf(value);
    }
}
