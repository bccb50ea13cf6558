package dev.boardcqrs.query.catalog;

import dev.boardcqrs.common.catalog.CatalogKeys;
import dev.boardcqrs.query.ReadModel;
import dev.boardcqrs.query.ReadServices;
import dev.boardcqrs.query.consistency.ReadAfter;
import dev.boardcqrs.query.nearcache.InvalidationTarget;
import dev.boardcqrs.query.nearcache.NearCache;
import io.javalin.config.RoutesConfig;
import java.util.Arrays;
import java.util.List;

/** The catalog display: the displayed tree and a catalog's products on sale. It keeps the tree's JSON in memory. */
public final class CatalogReadModel implements ReadModel {
    private final NearCache<String, byte[]> tree;
    private final CatalogQueries queries;
    private final ReadAfter readAfter;

    public CatalogReadModel(ReadServices services) {
        this.tree = new NearCache<>(services.nearCacheBytes(), json -> json.length, Arrays::equals);
        this.queries = new CatalogQueries(services.redis(), services.keys(), tree, services.breaker(),
                new CatalogTreeFromDatabase(services.catalogs(), services.database(),
                        services.config().catalogFallbackTtl()));
        this.readAfter = services.readAfter();
    }

    @Override
    public void routes(RoutesConfig routes) {
        CatalogController controller = new CatalogController(queries, readAfter);
        routes.get("/catalogs/tree", controller::tree);
        routes.get("/catalogs/{catalogId}/products", controller::products);
    }

    // the tree is one entry, read from every catalog hash, child list and the roots
    @Override
    public List<InvalidationTarget> nearCaches() {
        return List.of(tree.invalidatedBy(key -> CatalogKeys.isTreeKey(key) ? CatalogQueries.TREE : null));
    }
}
