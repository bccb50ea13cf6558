package dev.boardcqrs.command.comment;

import static dev.boardcqrs.command.comment.CommentService.MAX_CONTENT_BYTES;

import dev.boardcqrs.command.request.JsonBody;
import dev.boardcqrs.command.request.PathIds;
import io.javalin.http.Context;

/** HTTP handlers for comments: parse, call the service, respond. */
public final class CommentController {
    private final CommentService comments;

    public CommentController(CommentService comments) {
        this.comments = comments;
    }

    public void create(Context ctx) {
        long articleId = PathIds.positive(ctx, "articleId");
        JsonBody body = JsonBody.parse(ctx.body());
        long writerId = body.positiveId("writerId");
        String content = body.textOfBytes("content", MAX_CONTENT_BYTES);
        Long parentCommentId = body.optionalPositiveId("parentCommentId");
        ctx.status(201).json(comments.create(articleId, writerId, content, parentCommentId));
    }

    public void delete(Context ctx) {
        comments.delete(PathIds.positive(ctx, "commentId"));
        ctx.status(204);
    }
}
