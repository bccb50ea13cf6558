package dev.boardcqrs.query.search;

import dev.boardcqrs.common.search.SearchIndexes;
import dev.boardcqrs.common.web.ApiException;
import dev.boardcqrs.common.web.Params;
import dev.boardcqrs.query.ReadModel;
import dev.boardcqrs.query.ReadServices;
import dev.boardcqrs.query.article.ArticleController;
import dev.boardcqrs.query.article.ArticleQueries;
import dev.boardcqrs.query.nearcache.InvalidationTarget;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * Article search: {@code GET /search/articles?q=...&boardId=...&sort=relevance|recent&pageSize=20&after=...}, served
 * from the search engine the projector keeps (SEARCH_ENABLED; without it the route answers 404 saying so). It keeps nothing
 * in memory: the articles come from the board model's reads, which do.
 */
public final class SearchReadModel implements ReadModel {
    private final ArticleSearch search;

    /** {@code articles}: the board model's article reads. */
    public SearchReadModel(ReadServices services, ArticleQueries articles) {
        this.search = services.search() == null ? null : new ArticleSearch(services.search(),
                new SearchIndexes(services.config().namespace()), articles);
    }

    @Override
    public void routes(RoutesConfig routes) {
        // registered either way, so the route and its document stay one, and a client learns why it finds nothing
        routes.get("/search/articles", this::articles);
    }

    private void articles(Context ctx) {
        if (search == null) {
            throw ApiException.notFound("search is off on this query-api: set SEARCH_ENABLED=true and SEARCH_URL");
        }
        SearchQuery query = SearchQuery.parse(ctx.queryParam("q"));
        long boardId = Params.queryNumber(ctx, "boardId", 0, Long.MAX_VALUE);
        SearchSort sort = SearchSort.parse(ctx.queryParam("sort"));
        int pageSize = (int) Params.queryNumber(ctx, "pageSize", 20, ArticleController.MAX_PAGE_SIZE);
        String after = ctx.queryParam("after");
        ctx.json(search.search(query, boardId == 0 ? null : boardId, sort, pageSize,
                after == null ? null : SearchCursor.decode(after, sort)));
    }

    @Override
    public List<InvalidationTarget> nearCaches() {
        return List.of();
    }
}
