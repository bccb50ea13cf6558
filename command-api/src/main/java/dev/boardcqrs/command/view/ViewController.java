package dev.boardcqrs.command.view;

import dev.boardcqrs.command.request.JsonBody;
import dev.boardcqrs.command.request.PathIds;
import io.javalin.http.Context;

/** HTTP handler for counting a view: parse, call the service, respond. */
public final class ViewController {
    private final ViewService views;

    public ViewController(ViewService views) {
        this.views = views;
    }

    public void view(Context ctx) {
        long articleId = PathIds.positive(ctx, "articleId");
        long userId = JsonBody.parse(ctx.body()).positiveId("userId");
        ctx.json(views.count(articleId, userId));
    }
}
