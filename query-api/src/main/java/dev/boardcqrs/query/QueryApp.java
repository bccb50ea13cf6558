package dev.boardcqrs.query;

import dev.boardcqrs.common.board.KeyScheme;
import dev.boardcqrs.common.web.HttpApps;
import dev.boardcqrs.query.article.ArticleController;
import dev.boardcqrs.query.article.ArticleQueries;
import io.javalin.Javalin;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/** Builds query-api from its dependencies and returns it unstarted; Main and the tests build the same. */
public final class QueryApp {
    private QueryApp() {
    }

    public static Javalin create(String host, int port, UnifiedJedis redis, KeyScheme keys) {
        ArticleController articles = new ArticleController(new ArticleQueries(redis, keys));
        return HttpApps.create(host, port, routes -> {
            routes.get("/articles/{articleId}", articles::article);
            routes.get("/boards/{boardId}/articles", articles::page);
            routes.get("/boards/{boardId}/articles/infinite-scroll", articles::scroll);
            routes.get("/health", ctx -> {
                redis.ping();
                ctx.json(Map.of("status", "UP"));
            });
        });
    }
}
