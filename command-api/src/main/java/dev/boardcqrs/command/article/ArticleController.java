package dev.boardcqrs.command.article;

import static dev.boardcqrs.command.article.ArticleService.MAX_CONTENT_BYTES;
import static dev.boardcqrs.command.article.ArticleService.MAX_TITLE_CHARACTERS;

import dev.boardcqrs.command.auth.Authenticator;
import dev.boardcqrs.command.request.JsonBody;
import dev.boardcqrs.common.web.Params;
import io.javalin.http.Context;

/** HTTP handlers for articles: parse, call the service, respond. */
public final class ArticleController {
    private final ArticleService articles;
    private final Authenticator auth;

    public ArticleController(ArticleService articles, Authenticator auth) {
        this.articles = articles;
        this.auth = auth;
    }

    public void create(Context ctx) {
        long writerId = auth.userId(ctx);
        JsonBody body = JsonBody.parse(ctx.body());
        long boardId = body.positiveId("boardId");
        String title = body.text("title", MAX_TITLE_CHARACTERS);
        String content = body.textOfBytes("content", MAX_CONTENT_BYTES);
        ctx.status(201).json(articles.create(boardId, writerId, title, content));
    }

    public void update(Context ctx) {
        long userId = auth.userId(ctx);
        long articleId = Params.positiveId(ctx, "articleId");
        JsonBody body = JsonBody.parse(ctx.body());
        String title = body.text("title", MAX_TITLE_CHARACTERS);
        String content = body.textOfBytes("content", MAX_CONTENT_BYTES);
        ctx.json(articles.update(articleId, userId, title, content));
    }

    public void delete(Context ctx) {
        long userId = auth.userId(ctx);
        articles.delete(Params.positiveId(ctx, "articleId"), userId);
        ctx.status(204);
    }
}
