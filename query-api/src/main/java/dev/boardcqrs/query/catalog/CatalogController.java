package dev.boardcqrs.query.catalog;

import dev.boardcqrs.common.web.ApiException;
import dev.boardcqrs.common.web.Params;
import dev.boardcqrs.query.article.ArticleController;
import dev.boardcqrs.query.consistency.ReadAfter;
import io.javalin.http.ContentType;
import io.javalin.http.Context;

/** HTTP handlers for the catalog display: parse and bound the parameters, read, respond. */
public final class CatalogController {
    private final CatalogQueries queries;
    private final ReadAfter readAfter;

    public CatalogController(CatalogQueries queries, ReadAfter readAfter) {
        this.queries = queries;
        this.readAfter = readAfter;
    }

    public void tree(Context ctx) {
        ctx.contentType(ContentType.APPLICATION_JSON).result(queries.treeJson(readAfter.mode(ctx)).answer(ctx));
    }

    public void products(Context ctx) {
        long catalogId = Params.positiveId(ctx, "catalogId");
        int page = (int) Params.queryNumber(ctx, "page", 1, ArticleController.MAX_PAGE);
        int pageSize = (int) Params.queryNumber(ctx, "pageSize", 20, ArticleController.MAX_PAGE_SIZE);
        ctx.json(queries.products(catalogId, page, pageSize, readAfter.mode(ctx)).orElseThrow(() -> ApiException.notFound(
                "catalog " + catalogId + " does not exist or has no product on sale")));
    }
}
