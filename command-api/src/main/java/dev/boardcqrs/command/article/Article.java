package dev.boardcqrs.command.article;

/** An article as command-api answers it after a write. */
public record Article(
        long articleId,
        long boardId,
        long writerId,
        String title,
        String content,
        String createdAt,
        String modifiedAt) {
}
