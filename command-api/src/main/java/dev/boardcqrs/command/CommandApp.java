package dev.boardcqrs.command;

import dev.boardcqrs.command.article.ArticleController;
import dev.boardcqrs.command.article.ArticleService;
import dev.boardcqrs.command.comment.CommentController;
import dev.boardcqrs.command.comment.CommentService;
import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.command.like.LikeController;
import dev.boardcqrs.command.like.LikeService;
import dev.boardcqrs.common.web.ApiException;
import dev.boardcqrs.common.web.HttpApps;
import io.javalin.Javalin;
import java.util.Map;
import javax.sql.DataSource;

/** Builds command-api from its dependencies and returns it unstarted; Main and the tests build the same. */
public final class CommandApp {
    private CommandApp() {
    }

    public static Javalin create(String host, int port, DataSource dataSource) {
        Database database = new Database(dataSource);
        ArticleController articles = new ArticleController(new ArticleService(database));
        CommentController comments = new CommentController(new CommentService(database));
        LikeController likes = new LikeController(new LikeService(database));

        return HttpApps.create(host, port, routes -> {
            routes.post("/articles", articles::create);
            routes.put("/articles/{articleId}", articles::update);
            routes.delete("/articles/{articleId}", articles::delete);
            routes.post("/articles/{articleId}/comments", comments::create);
            routes.delete("/comments/{commentId}", comments::delete);
            routes.post("/articles/{articleId}/likes", likes::like);
            routes.delete("/articles/{articleId}/likes/{userId}", likes::unlike);
            routes.get("/health", ctx -> {
                if (!database.isReachable()) {
                    throw ApiException.unavailable("database is not reachable");
                }
                ctx.json(Map.of("status", "UP"));
            });
        });
    }
}
