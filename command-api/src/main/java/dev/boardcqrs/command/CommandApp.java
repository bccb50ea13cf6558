package dev.boardcqrs.command;

import dev.boardcqrs.command.article.ArticleController;
import dev.boardcqrs.command.article.ArticleService;
import dev.boardcqrs.command.auth.Authenticator;
import dev.boardcqrs.command.catalog.CatalogController;
import dev.boardcqrs.command.catalog.CatalogService;
import dev.boardcqrs.command.catalog.ProductService;
import dev.boardcqrs.command.comment.CommentController;
import dev.boardcqrs.command.comment.CommentService;
import dev.boardcqrs.command.consistency.LastCommit;
import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.command.like.LikeController;
import dev.boardcqrs.command.like.LikeService;
import dev.boardcqrs.command.view.ViewBackupJob;
import dev.boardcqrs.command.view.ViewBackupStore;
import dev.boardcqrs.command.view.ViewController;
import dev.boardcqrs.command.view.ViewService;
import dev.boardcqrs.common.auth.BearerAuthentication;
import dev.boardcqrs.common.auth.JwtVerifier;
import dev.boardcqrs.common.view.ViewKeys;
import dev.boardcqrs.common.metrics.ServiceMetrics;
import dev.boardcqrs.common.web.ApiException;
import dev.boardcqrs.common.web.HttpApps;
import dev.boardcqrs.common.web.OpenApiDocument;
import io.javalin.Javalin;
import java.util.Map;
import javax.sql.DataSource;
import redis.clients.jedis.UnifiedJedis;

/** Builds command-api from its dependencies and returns it unstarted; Main and the tests build the same. */
public final class CommandApp {
    private CommandApp() {
    }

    public static Javalin create(CommandApiConfig config, DataSource dataSource, UnifiedJedis redis) {
        LastCommit commits = new LastCommit();
        Database database = new Database(dataSource, commits);
        ViewKeys keys = new ViewKeys(config.namespace());
        Authenticator auth = new Authenticator(new BearerAuthentication(new JwtVerifier(config.jwt())));
        ArticleController articles = new ArticleController(new ArticleService(database), auth);
        CommentController comments = new CommentController(new CommentService(database), auth);
        LikeController likes = new LikeController(new LikeService(database), auth);
        CatalogController catalogs = new CatalogController(new CatalogService(database), new ProductService(database),
                auth);
        ViewBackupStore viewBackups = new ViewBackupStore(database);
        ViewController views = new ViewController(new ViewService(database, redis, keys, viewBackups,
                config.viewWindow(), config.viewBackupEvery()), auth);
        ViewBackupJob viewBackupJob = new ViewBackupJob(redis, keys, viewBackups, config.viewBackupInterval());

        return HttpApps.create(config.host(), config.port(), new ServiceMetrics("command-api"), routes -> {
            routes.post("/articles", commits.answeringToken(articles::create));
            routes.put("/articles/{articleId}", commits.answeringToken(articles::update));
            routes.delete("/articles/{articleId}", commits.answeringToken(articles::delete));
            routes.post("/articles/{articleId}/comments", commits.answeringToken(comments::create));
            routes.delete("/comments/{commentId}", commits.answeringToken(comments::delete));
            routes.post("/articles/{articleId}/likes", commits.answeringToken(likes::like));
            routes.delete("/articles/{articleId}/likes/{userId}", commits.answeringToken(likes::unlike));
            routes.post("/articles/{articleId}/views", views::view);
            routes.post("/catalogs", commits.answeringToken(catalogs::createCatalog));
            routes.put("/catalogs/{catalogId}/name", commits.answeringToken(catalogs::renameCatalog));
            routes.put("/catalogs/{catalogId}/order", commits.answeringToken(catalogs::reorderCatalog));
            routes.put("/catalogs/{catalogId}/parent", commits.answeringToken(catalogs::moveCatalog));
            routes.delete("/catalogs/{catalogId}", commits.answeringToken(catalogs::deleteCatalog));
            routes.post("/products", commits.answeringToken(catalogs::createProduct));
            routes.put("/products/{productId}", commits.answeringToken(catalogs::updateProduct));
            routes.put("/products/{productId}/status", commits.answeringToken(catalogs::changeProductStatus));
            routes.put("/products/{productId}/catalog", commits.answeringToken(catalogs::moveProduct));
            routes.delete("/products/{productId}", commits.answeringToken(catalogs::deleteProduct));
            OpenApiDocument.route(routes, "openapi/command-api.json");
            routes.get("/health", ctx -> {
                if (!database.isReachable()) {
                    throw ApiException.unavailable("database is not reachable");
                }
                ctx.json(Map.of("status", "UP"));
            });
        }, events -> {
            events.serverStarted(viewBackupJob::start);
            // once Jetty has answered its last request, so no view is counted after the last backup
            events.serverStopped(viewBackupJob::close);
        });
    }
}
