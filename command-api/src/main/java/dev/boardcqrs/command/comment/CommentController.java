package dev.boardcqrs.command.comment;

import static dev.boardcqrs.command.comment.CommentService.MAX_CONTENT_BYTES;

import dev.boardcqrs.command.auth.Authenticator;
import dev.boardcqrs.command.request.JsonBody;
import dev.boardcqrs.common.web.Params;
import io.javalin.http.Context;

/** HTTP handlers for comments: parse, call the service, respond. */
public final class CommentController {
    private final CommentService comments;
    private final Authenticator auth;

    public CommentController(CommentService comments, Authenticator auth) {
        this.comments = comments;
        this.auth = auth;
    }

    public void create(Context ctx) {
        long writerId = auth.userId(ctx);
        long articleId = Params.positiveId(ctx, "articleId");
        JsonBody body = JsonBody.parse(ctx.body());
        String content = body.textOfBytes("content", MAX_CONTENT_BYTES);
        Long parentCommentId = body.optionalPositiveId("parentCommentId");
        ctx.status(201).json(comments.create(articleId, writerId, content, parentCommentId));
    }

    public void delete(Context ctx) {
        long userId = auth.userId(ctx);
        comments.delete(Params.positiveId(ctx, "commentId"), userId);
        ctx.status(204);
    }
}
