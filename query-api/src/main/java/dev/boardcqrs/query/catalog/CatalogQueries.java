package dev.boardcqrs.query.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.common.web.ApiException;
import dev.boardcqrs.query.QueryScripts;
import dev.boardcqrs.query.consistency.ReadMode;
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
 * building and writing it is most of what a tree read costs. This is a service: no HTTP here.
 */
public final class CatalogQueries {
    private static final LuaScript TREE_SCRIPT = QueryScripts.of("lua/catalog_tree.lua");
    private static final LuaScript PRODUCTS = QueryScripts.of("lua/catalog_products.lua");
    private static final int TREE_FIELDS = 5;
    /** The one key of the tree cache. */
    static final String TREE = "tree";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UnifiedJedis redis;
    private final KeyScheme keys;
    private final NearCache<String, byte[]> treeCache;

    public CatalogQueries(UnifiedJedis redis, KeyScheme keys, NearCache<String, byte[]> treeCache) {
        this.redis = redis;
        this.keys = keys;
        this.treeCache = treeCache;
    }

    /** {@code {"catalogs": [...]}}: the roots of the displayed tree, each with its displayed subtree, as JSON. */
    public byte[] treeJson() {
        return treeJson(ReadMode.CACHED);
    }

    /** The tree as {@code mode} allows reading it: a read after a token skips the kept tree. */
    public byte[] treeJson(ReadMode mode) {
        requireRedis(mode);
        byte[] kept = mode == ReadMode.CACHED ? treeCache.get(TREE) : null;
        if (kept != null) {
            // a kept tree is current, but whether the generation is being built is not reported: one small read
            answer(TREE_SCRIPT.call(redis, List.of(), List.of(keys.namespace(), "check")));
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
        List<?> flat = answer(TREE_SCRIPT.call(redis, List.of(), List.of(keys.namespace(), "tree")));
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

    /** Page {@code page} (from 1) of the ON_SALE products under a displayed catalog; empty when not displayed. */
    public Optional<ProductView.Page> products(long catalogId, int page, int pageSize, ReadMode mode) {
        requireRedis(mode);
        long first = (long) (page - 1) * pageSize;
        List<?> flat = answer(PRODUCTS.call(redis, List.of(), List.of(keys.namespace(), Long.toString(catalogId),
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
     * The catalog display has no SQL path (a recursive query over the whole tree per request is the load it exists to
     * take off the database), so a read whose token the projector did not reach in time cannot be answered fresh.
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
