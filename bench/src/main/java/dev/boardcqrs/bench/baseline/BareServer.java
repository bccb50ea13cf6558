package dev.boardcqrs.bench.baseline;

import io.javalin.Javalin;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP ceiling of this machine: a bare Javalin (no JSON error mapping, no Redis, no serialization) that
 * answers the read routes with fixed bodies of the same size as query-api's answers.
 */
public final class BareServer implements AutoCloseable {
    private final Javalin app;

    public BareServer(String articleBody, String pageBody) {
        byte[] article = articleBody.getBytes(StandardCharsets.UTF_8);
        byte[] page = pageBody.getBytes(StandardCharsets.UTF_8);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            config.routes.get("/articles/{articleId}", ctx -> ctx.contentType("application/json").result(article));
            config.routes.get("/boards/{boardId}/articles", ctx -> ctx.contentType("application/json").result(page));
        }).start();
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
