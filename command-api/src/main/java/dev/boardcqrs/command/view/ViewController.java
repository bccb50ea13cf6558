package dev.boardcqrs.command.view;

import dev.boardcqrs.command.auth.Authenticator;
import dev.boardcqrs.command.consistency.LastCommit;
import dev.boardcqrs.common.web.Params;
import io.javalin.http.Context;

/** HTTP handler for counting a view: parse, call the service, respond. */
public final class ViewController {
    private final ViewService views;
    private final Authenticator auth;

    public ViewController(ViewService views, Authenticator auth) {
        this.views = views;
        this.auth = auth;
    }

    /**
     * The viewing user is the token's subject. A view is counted in Redis, not in the database, so its consistency
     * token names no source position: the answer carries the count itself.
     */
    public void view(Context ctx) {
        long userId = auth.userId(ctx);
        ctx.json(views.count(Params.positiveId(ctx, "articleId"), userId));
        LastCommit.answerNone(ctx);
    }
}
