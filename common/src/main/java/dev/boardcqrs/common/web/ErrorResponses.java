package dev.boardcqrs.common.web;

import com.fasterxml.jackson.core.JacksonException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The one place where exceptions become HTTP answers. Every error is JSON {@code {"error": "..."}};
 * unexpected failures are logged with their stack trace and answered without internals.
 */
public final class ErrorResponses {
    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {
    }

    public static void register(JavalinConfig config) {
        config.routes.exception(ApiException.class, (e, ctx) -> respond(ctx, e.status(), e.getMessage()));
        config.routes.exception(JacksonException.class, (e, ctx) -> respond(ctx, 400, "request body is not valid JSON"));
        config.routes.exception(JedisConnectionException.class, (e, ctx) -> {
            log.warn("{} {}: Redis unreachable: {}", ctx.method(), ctx.path(), e.getMessage());
            respond(ctx, 503, "Redis is unavailable, try again later");
        });
        config.routes.exception(JedisAccessControlException.class, (e, ctx) -> {
            log.error("{} {}: Redis refused our credentials (check REDIS_URL): {}", ctx.method(), ctx.path(),
                    e.getMessage());
            respond(ctx, 503, "Redis is unavailable, try again later");
        });
        config.routes.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, e.getStatus(), e.getMessage()));
        config.routes.exception(Exception.class, (e, ctx) -> {
            log.error("{} {} failed", ctx.method(), ctx.path(), e);
            respond(ctx, 500, "internal error");
        });
        config.routes.error(404, "*", ctx -> {
            if (!ctx.res().isCommitted() && ctx.result() == null) {
                respond(ctx, 404, "no such endpoint: " + ctx.method() + " " + ctx.path());
            }
        });
    }

    private static void respond(Context ctx, int status, String message) {
        if (status == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        if (status == 503) {
            ctx.header("Retry-After", "1"); // the pool or store is busy or restarting: worth a retry soon
        }
        ctx.status(status).json(Map.of("error", message == null ? "error" : message));
    }
}
