package dev.boardcqrs.query;

import dev.boardcqrs.query.nearcache.InvalidationTarget;
import io.javalin.config.RoutesConfig;
import java.util.List;

/**
 * A read model as query-api serves it: the plug-in point of query-api. It registers its routes and names what it
 * keeps in memory that Redis must keep honest (its near caches); its Lua scripts find the active generation's keys
 * through {@link QueryScripts}, and are sent to Redis on first use. The core knows no model's routes or keys.
 * Adding one is writing its package and one line in {@link ReadModels}.
 */
public interface ReadModel {

    /** Registers its GET routes. */
    void routes(RoutesConfig routes);

    /** What it keeps between requests and must hear about from Redis; empty when it keeps nothing. */
    List<InvalidationTarget> nearCaches();
}
