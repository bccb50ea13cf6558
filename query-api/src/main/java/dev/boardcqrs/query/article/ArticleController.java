package dev.boardcqrs.query.article;

import dev.boardcqrs.common.web.ApiException;
import dev.boardcqrs.common.web.Params;
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
        long articleId = Params.positiveId(ctx, "articleId");
        ctx.json(queries.find(articleId).answer(ctx)
                .orElseThrow(() -> ApiException.notFound("article " + articleId + " does not exist")));
    }

    public void page(Context ctx) {
        long boardId = Params.positiveId(ctx, "boardId");
        int page = (int) Params.queryNumber(ctx, "page", 1, MAX_PAGE);
        ctx.json(queries.page(boardId, page, pageSize(ctx)).answer(ctx));
    }

    public void scroll(Context ctx) {
        long boardId = Params.positiveId(ctx, "boardId");
        long lastArticleId = Params.queryNumber(ctx, "lastArticleId", 0, Long.MAX_VALUE);
        ctx.json(Map.of("articles",
                queries.scroll(boardId, pageSize(ctx), lastArticleId == 0 ? null : lastArticleId).answer(ctx)));
    }

    private static int pageSize(Context ctx) {
        return (int) Params.queryNumber(ctx, "pageSize", 20, MAX_PAGE_SIZE);
    }
}
