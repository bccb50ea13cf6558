package dev.boardcqrs.command.comment;

/** A comment as command-api answers it after a write. */
public record Comment(
        long commentId,
        long articleId,
        Long parentCommentId,
        long writerId,
        String content,
        boolean deleted,
        String createdAt) {
}
