package dev.boardcqrs.query.writer;

import dev.boardcqrs.common.web.Params;
import dev.boardcqrs.query.ReadModel;
import dev.boardcqrs.query.ReadServices;
import dev.boardcqrs.query.article.ArticleController;
import dev.boardcqrs.query.article.ArticleQueries;
import dev.boardcqrs.query.consistency.ReadAfter;
import dev.boardcqrs.query.nearcache.InvalidationTarget;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * "Articles by writer": {@code GET /users/{userId}/articles?pageSize=20&lastArticleId=...}, a writer's articles
 * newest first with cursor paging, as infinite scroll does for a board. It keeps nothing of its own in memory: the
 * articles come from the board model's reads, which do.
 */
public final class WriterReadModel implements ReadModel {
    private final WriterQueries queries;
    private final ReadAfter readAfter;

    /** {@code articles}: the board model's article reads. */
    public WriterReadModel(ReadServices services, ArticleQueries articles) {
        this.queries = new WriterQueries(services.lists(), articles);
        this.readAfter = services.readAfter();
    }

    @Override
    public void routes(RoutesConfig routes) {
        routes.get("/users/{userId}/articles", this::articles);
    }

    private void articles(Context ctx) {
        long userId = Params.positiveId(ctx, "userId");
        int pageSize = (int) Params.queryNumber(ctx, "pageSize", 20, ArticleController.MAX_PAGE_SIZE);
        long lastArticleId = Params.queryNumber(ctx, "lastArticleId", 0, Long.MAX_VALUE);
        ctx.json(queries.articles(userId, pageSize, lastArticleId == 0 ? null : lastArticleId, readAfter.mode(ctx))
                .answer(ctx));
    }

    @Override
    public List<InvalidationTarget> nearCaches() {
        return List.of();
    }
}
