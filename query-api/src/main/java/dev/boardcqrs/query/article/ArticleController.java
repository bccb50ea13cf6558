package dev.boardcqrs.query.article;

import dev.boardcqrs.common.web.ApiException;
import io.javalin.http.Context;
import java.util.Map;

/** HTTP handlers for article reads: parse and bound the parameters, read, respond. */
public final class ArticleController {
    public static final int MAX_PAGE_SIZE = 100;
    // bounded so an offset can never overflow or make Redis walk a huge range
    public static final int MAX_PAGE = 100_000;

    private final ArticleQueries queries;

    public ArticleController(ArticleQueries queries) {
        this.queries = queries;
    }

    public void article(Context ctx) {
        long articleId = positiveId(ctx, "articleId");
        ctx.json(queries.find(articleId)
                .orElseThrow(() -> ApiException.notFound("article " + articleId + " does not exist")));
    }

    public void page(Context ctx) {
        long boardId = positiveId(ctx, "boardId");
        int page = ctx.queryParamAsClass("page", Integer.class).getOrDefault(1);
        int pageSize = pageSize(ctx);
        if (page < 1 || page > MAX_PAGE) {
            throw ApiException.badRequest("page must be between 1 and " + MAX_PAGE);
        }
        ctx.json(queries.page(boardId, page, pageSize));
    }

    public void scroll(Context ctx) {
        long boardId = positiveId(ctx, "boardId");
        int pageSize = pageSize(ctx);
        Long lastArticleId = ctx.queryParam("lastArticleId") == null ? null
                : ctx.queryParamAsClass("lastArticleId", Long.class).check(id -> id > 0, "must be a positive integer").get();
        ctx.json(Map.of("articles", queries.scroll(boardId, pageSize, lastArticleId)));
    }

    private static int pageSize(Context ctx) {
        int pageSize = ctx.queryParamAsClass("pageSize", Integer.class).getOrDefault(20);
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw ApiException.badRequest("pageSize must be between 1 and " + MAX_PAGE_SIZE);
        }
        return pageSize;
    }

    private static long positiveId(Context ctx, String name) {
        return ctx.pathParamAsClass(name, Long.class).check(id -> id > 0, "must be a positive integer").get();
    }
}
