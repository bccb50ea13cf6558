package dev.boardcqrs.command.like;

import dev.boardcqrs.command.auth.Authenticator;
import dev.boardcqrs.common.web.Params;
import dev.boardcqrs.common.web.ApiException;
import io.javalin.http.Context;

/** HTTP handlers for likes: parse, call the service, respond. */
public final class LikeController {
    private final LikeService likes;
    private final Authenticator auth;

    public LikeController(LikeService likes, Authenticator auth) {
        this.likes = likes;
        this.auth = auth;
    }

    /** The liking user is the token's subject; a body, if any, is not read. */
    public void like(Context ctx) {
        long userId = auth.userId(ctx);
        ctx.status(201).json(likes.like(Params.positiveId(ctx, "articleId"), userId));
    }

    public void unlike(Context ctx) {
        long userId = auth.userId(ctx);
        long articleId = Params.positiveId(ctx, "articleId");
        if (Params.positiveId(ctx, "userId") != userId) {
            throw ApiException.forbidden("a user may only remove their own like");
        }
        likes.unlike(articleId, userId);
        ctx.status(204);
    }
}
