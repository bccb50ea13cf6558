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

    static ArticleView of(ArticleModel model, long viewCount) {
        return new ArticleView(model.articleId(), model.boardId(), model.writerId(), model.title(), model.content(),
                model.createdAt(), model.modifiedAt(), model.commentCount(), model.likeCount(), viewCount);
    }
}
