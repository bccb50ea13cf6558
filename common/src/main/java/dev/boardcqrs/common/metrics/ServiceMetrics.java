package dev.boardcqrs.common.metrics;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one service and the HTTP side every service shares: GET /metrics in Prometheus' text format,
 * and a latency histogram and error counter per route. Routes are labelled by their template
 * ({@code /articles/{articleId}}), never by the raw path, so ids cannot multiply the series; requests that match
 * no route share the label {@code unmatched}.
 */
public final class ServiceMetrics {
    /** Prometheus' text exposition format, version 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final String UNMATCHED = "unmatched";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // listens to the JVM's GC notifications until the server stops (tests build many apps in one JVM)
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final Map<String, Timer> requestTimers = new ConcurrentHashMap<>();

    public ServiceMetrics(String service) {
        registry.config().commonTags("service", service);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /** Where a service registers its own meters. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Everything measured so far, in Prometheus' text format. */
    public String scrape() {
        return registry.scrape();
    }

    /** Adds GET /metrics and the per-route request meters to a Javalin being configured. */
    public void install(JavalinConfig config) {
        config.routes.get("/metrics", ctx -> ctx.contentType(CONTENT_TYPE).result(scrape()));
        config.requestLogger.http(this::measure);
        config.events.serverStopped(gcMetrics::close);
    }

    private void measure(Context ctx, Float millis) {
        String route = route(ctx);
        String method = ctx.method().name();
        int status = ctx.statusCode();
        // built once per route, method and status: building and registering a meter on every request allocates
        // and searches the registry each time
        requestTimers.computeIfAbsent(route + ' ' + method + ' ' + status, key -> requestTimer(route, method, status))
                .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
        if (status >= 400) {
            Counter.builder("http.server.errors")
                    .description("HTTP answers with status 400 or above, by route template")
                    .tags("route", route, "method", method, "status", Integer.toString(status))
                    .register(registry)
                    .increment();
        }
    }

    private Timer requestTimer(String route, String method, int status) {
        return Timer.builder("http.server.requests")
                .description("HTTP requests by route template, method and status")
                .tags("route", route, "method", method, "status", Integer.toString(status))
                .publishPercentileHistogram()
                .register(registry);
    }

    private static String route(Context ctx) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        return endpoint == null ? UNMATCHED : endpoint.path;
    }
}
