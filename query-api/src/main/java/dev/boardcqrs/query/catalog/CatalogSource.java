package dev.boardcqrs.query.catalog;

import dev.boardcqrs.common.web.ApiException;
import java.util.List;
import java.util.Map;

/** Where query-api reads the catalog tables while Redis is down: the command database or a replica of it. */
public interface CatalogSource {

    /** For an app built without a database for catalogs: the tree is then served from Redis only. */
    CatalogSource NONE = () -> {
        throw ApiException.unavailable("the catalog display is not in Redis now, and no database is set up for it");
    };

    /** Every catalog, and how many ON_SALE products each holds itself, as of one moment of the database. */
    Rows rows();

    /** A catalog row; {@code parentId} is null for a root. */
    record Catalog(long catalogId, Long parentId, String name, long displayOrder) {
    }

    /** {@code onSale}: catalog id to the number of its own ON_SALE products; catalogs without any are absent. */
    record Rows(List<Catalog> catalogs, Map<Long, Long> onSale) {
    }
}
