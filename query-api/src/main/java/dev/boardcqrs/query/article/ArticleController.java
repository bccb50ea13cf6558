package dev.boardcqrs.query.article;

import dev.boardcqrs.common.web.ApiException;
import dev.boardcqrs.common.web.Params;
import dev.boardcqrs.query.consistency.ReadAfter;
import dev.boardcqrs.query.consistency.ReadMode;
import io.javalin.http.Context;
import io.javalin.http.ContentType;

/** HTTP handlers for article reads: parse and bound the parameters, read, respond. */
public final class ArticleController {
    public static final int MAX_PAGE_SIZE = 100;
    // bounded so an offset can never overflow or make Redis walk a huge range
    public static final int MAX_PAGE = 100_000;

    private final ArticleQueries queries;
    private final ReadAfter readAfter;

    public ArticleController(ArticleQueries queries, ReadAfter readAfter) {
        this.queries = queries;
        this.readAfter = readAfter;
    }

    public void article(Context ctx) {
        long articleId = Params.positiveId(ctx, "articleId");
        ReadMode mode = readAfter.mode(ctx);
        json(ctx, queries.find(articleId, mode).answer(ctx)
                .orElseThrow(() -> ApiException.notFound("article " + articleId + " does not exist")));
    }

    public void page(Context ctx) {
        long boardId = Params.positiveId(ctx, "boardId");
        int page = (int) Params.queryNumber(ctx, "page", 1, MAX_PAGE);
        int pageSize = pageSize(ctx);
        json(ctx, queries.page(boardId, page, pageSize, readAfter.mode(ctx)).answer(ctx));
    }

    public void scroll(Context ctx) {
        long boardId = Params.positiveId(ctx, "boardId");
        long lastArticleId = Params.queryNumber(ctx, "lastArticleId", 0, Long.MAX_VALUE);
        int pageSize = pageSize(ctx);
        json(ctx, queries.scroll(boardId, pageSize, lastArticleId == 0 ? null : lastArticleId, readAfter.mode(ctx))
                .answer(ctx));
    }

    /** Answers JSON written by {@link ArticleJson}, the bytes ctx.json would have written. */
    private static void json(Context ctx, byte[] json) {
        ctx.contentType(ContentType.APPLICATION_JSON).result(json);
    }

    private static int pageSize(Context ctx) {
        return (int) Params.queryNumber(ctx, "pageSize", 20, MAX_PAGE_SIZE);
    }
}
