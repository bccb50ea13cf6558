package dev.boardcqrs.common.web;

import dev.boardcqrs.common.metrics.ServiceMetrics;
import io.javalin.Javalin;
import io.javalin.config.EventConfig;
import io.javalin.config.RoutesConfig;
import java.util.function.Consumer;

/**
 * Builds every service's Javalin the same way: bound address, request size limit, JSON errors (also for the
 * errors Jetty answers itself), no banner, GET /metrics and per-route request meters. Returned unstarted.
 */
public final class HttpApps {
    /** The largest request body any endpoint reads: a 64 KiB text with JSON escaping fits comfortably. */
    public static final long MAX_REQUEST_BYTES = 512 * 1024;

    private HttpApps() {
    }

    public static Javalin create(String host, int port, ServiceMetrics metrics, Consumer<RoutesConfig> routes) {
        return create(host, port, metrics, routes, events -> { });
    }

    /** With lifecycle hooks, for apps that own background jobs: start them with the server, stop them with it. */
    public static Javalin create(String host, int port, ServiceMetrics metrics, Consumer<RoutesConfig> routes,
                                 Consumer<EventConfig> events) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = host;
            config.jetty.port = port;
            config.http.maxRequestSize = MAX_REQUEST_BYTES;
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            ErrorResponses.register(config);
            metrics.install(config);
            routes.accept(config.routes);
            events.accept(config.events);
        });
    }
}
