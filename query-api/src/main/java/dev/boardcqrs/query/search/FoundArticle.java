package dev.boardcqrs.query.search;

import dev.boardcqrs.query.article.ArticleView;

/**
 * An article a search found, as GET /articles/{id} answers it, plus its title and the best passage of its content
 * with the matched words in {@code <em>} (HTML-escaped otherwise, so the snippets can be shown as HTML).
 */
public record FoundArticle(
        long articleId,
        long boardId,
        long writerId,
        String title,
        String content,
        String createdAt,
        String modifiedAt,
        long commentCount,
        long likeCount,
        long viewCount,
        String highlightedTitle,
        String highlightedContent) {

    static FoundArticle of(ArticleView article, String highlightedTitle, String highlightedContent) {
        return new FoundArticle(article.articleId(), article.boardId(), article.writerId(), article.title(),
                article.content(), article.createdAt(), article.modifiedAt(), article.commentCount(),
                article.likeCount(), article.viewCount(), highlightedTitle, highlightedContent);
    }
}
