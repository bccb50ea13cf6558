package dev.boardcqrs.query.article;

import dev.boardcqrs.common.board.ArticleModel;

/** An article as query-api answers it: the query model plus the live view count. */
public record ArticleView(
        long articleId,
        long boardId,
        long writerId,
        String title,
        String content,
        String createdAt,
        String modifiedAt,
        long commentCount,
        long likeCount,
        long viewCount) {

    /**
     * Roughly what this view takes on the heap: the objects around it plus two bytes a character (text that is
     * not Latin-1 takes two; Latin-1 takes one, so this errs on the high side).
     */
    public int estimatedBytes() {
        long characters = (long) length(title) + length(content) + length(createdAt) + length(modifiedAt);
        return (int) Math.min(Integer.MAX_VALUE, 300 + 2 * characters);
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }

    static ArticleView of(ArticleModel model, long viewCount) {
        return new ArticleView(model.articleId(), model.boardId(), model.writerId(), model.title(), model.content(),
                model.createdAt(), model.modifiedAt(), model.commentCount(), model.likeCount(), viewCount);
    }
}
