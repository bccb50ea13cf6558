package dev.boardcqrs.command.article;

import static dev.boardcqrs.command.article.ArticleService.MAX_CONTENT_BYTES;
import static dev.boardcqrs.command.article.ArticleService.MAX_TITLE_CHARACTERS;

import dev.boardcqrs.command.request.JsonBody;
import dev.boardcqrs.command.request.PathIds;
import io.javalin.http.Context;

/** HTTP handlers for articles: parse, call the service, respond. */
public final class ArticleController {
    private final ArticleService articles;

    public ArticleController(ArticleService articles) {
        this.articles = articles;
    }

    public void create(Context ctx) {
        JsonBody body = JsonBody.parse(ctx.body());
        long boardId = body.positiveId("boardId");
        long writerId = body.positiveId("writerId");
        String title = body.text("title", MAX_TITLE_CHARACTERS);
        String content = body.textOfBytes("content", MAX_CONTENT_BYTES);
        ctx.status(201).json(articles.create(boardId, writerId, title, content));
    }

    public void update(Context ctx) {
        long articleId = PathIds.positive(ctx, "articleId");
        JsonBody body = JsonBody.parse(ctx.body());
        String title = body.text("title", MAX_TITLE_CHARACTERS);
        String content = body.textOfBytes("content", MAX_CONTENT_BYTES);
        ctx.json(articles.update(articleId, title, content));
    }

    public void delete(Context ctx) {
        articles.delete(PathIds.positive(ctx, "articleId"));
        ctx.status(204);
    }
}
