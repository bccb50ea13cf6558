package dev.boardcqrs.command.like;

import dev.boardcqrs.command.request.JsonBody;
import dev.boardcqrs.command.request.PathIds;
import io.javalin.http.Context;

/** HTTP handlers for likes: parse, call the service, respond. */
public final class LikeController {
    private final LikeService likes;

    public LikeController(LikeService likes) {
        this.likes = likes;
    }

    public void like(Context ctx) {
        long articleId = PathIds.positive(ctx, "articleId");
        long userId = JsonBody.parse(ctx.body()).positiveId("userId");
        ctx.status(201).json(likes.like(articleId, userId));
    }

    public void unlike(Context ctx) {
        likes.unlike(PathIds.positive(ctx, "articleId"), PathIds.positive(ctx, "userId"));
        ctx.status(204);
    }
}
