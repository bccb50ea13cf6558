package dev.boardcqrs.command.like;

/** A like as command-api answers it after a write. */
public record Like(long articleLikeId, long articleId, long userId, String createdAt) {
}
