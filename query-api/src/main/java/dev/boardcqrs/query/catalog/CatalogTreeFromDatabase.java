package dev.boardcqrs.query.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.boardcqrs.query.degrade.SharedRead;
import dev.boardcqrs.query.readthrough.DatabaseGuard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The displayed catalog tree built from the catalog tables, for while Redis is down: the same rules as the
 * projector's model (only catalogs with an ON_SALE product somewhere below them, children in display order, then
 * by id; a catalog under a missing parent, or in a cycle, is not reachable from a root and not shown). Reading the
 * tables whole is the expensive part, so one build is shared by concurrent readers and kept for
 * {@code CATALOG_FALLBACK_TTL}: the tree it answers is at most that old.
 */
public final class CatalogTreeFromDatabase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Comparator<CatalogSource.Catalog> DISPLAY_ORDER =
            Comparator.comparingLong(CatalogSource.Catalog::displayOrder).thenComparingLong(CatalogSource.Catalog::catalogId);
    // as the projector's tree script: the bound only keeps bad rows from recursing forever
    private static final int MAX_DEPTH = 256;

    private final SharedRead<byte[]> tree;
    private final CatalogSource source;
    private final DatabaseGuard database;

    public CatalogTreeFromDatabase(CatalogSource source, DatabaseGuard database, Duration keep) {
        this.source = source;
        this.database = database;
        this.tree = new SharedRead<>(this::currentTreeJson, keep, database.timeout(), System::nanoTime);
    }

    /** {@code {"catalogs": [...]}}, as {@link CatalogQueries#treeJson} answers it from Redis. */
    public byte[] treeJson() {
        return tree.get();
    }

    /**
     * {@link #treeJson} built now, not shared nor kept: for a reader after a consistency token, who must see its
     * write, which a shared build may predate.
     */
    public byte[] currentTreeJson() {
        return json(build(database.read(source::rows)));
    }

    /** The roots of the displayed tree, each with its displayed subtree. */
    static List<CatalogNode> build(CatalogSource.Rows rows) {
        Map<Long, List<CatalogSource.Catalog>> children = new HashMap<>();
        List<CatalogSource.Catalog> roots = new ArrayList<>();
        for (CatalogSource.Catalog catalog : rows.catalogs()) {
            if (catalog.parentId() == null) {
                roots.add(catalog);
            } else {
                children.computeIfAbsent(catalog.parentId(), parent -> new ArrayList<>()).add(catalog);
            }
        }
        return displayed(roots, children, rows.onSale(), 0);
    }

    private static List<CatalogNode> displayed(List<CatalogSource.Catalog> catalogs,
                                               Map<Long, List<CatalogSource.Catalog>> children,
                                               Map<Long, Long> onSale, int depth) {
        List<CatalogNode> nodes = new ArrayList<>();
        if (depth >= MAX_DEPTH) {
            return nodes;
        }
        List<CatalogSource.Catalog> ordered = new ArrayList<>(catalogs);
        ordered.sort(DISPLAY_ORDER);
        for (CatalogSource.Catalog catalog : ordered) {
            List<CatalogNode> below = displayed(children.getOrDefault(catalog.catalogId(), List.of()), children,
                    onSale, depth + 1);
            long sellable = onSale.getOrDefault(catalog.catalogId(), 0L)
                    + below.stream().mapToLong(CatalogNode::sellableCount).sum();
            if (sellable > 0) {
                nodes.add(new CatalogNode(catalog.catalogId(), catalog.name(), catalog.displayOrder(), sellable, below));
            }
        }
        return nodes;
    }

    private static byte[] json(List<CatalogNode> roots) {
        try {
            return JSON.writeValueAsBytes(Map.of("catalogs", roots));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the catalog tree could not be written as JSON", e);
        }
    }
}
