package dev.boardcqrs.projector.console;

import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The operator console: a page at {@code /} that reads /status, /metrics and /deadletters every second and posts
 * the admin actions with the operator credential it asks for. Its files are in the jar (resources/console, with
 * uPlot 1.6.32 from npm for the lag chart, MIT), read once at start-up; nothing is fetched from elsewhere.
 */
public final class ConsoleRoutes {
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8",
            "vendor/uPlot.iife.min.js", "text/javascript; charset=utf-8",
            "vendor/uPlot.min.css", "text/css; charset=utf-8");

    private ConsoleRoutes() {
    }

    public static void register(RoutesConfig routes) {
        FILES.forEach((file, contentType) -> {
            byte[] content = read("console/" + file);
            String path = file.equals("index.html") ? "/" : "/console/" + file;
            routes.get(path, ctx -> ctx.contentType(contentType).header("Cache-Control", "no-cache").result(content));
        });
    }

    private static byte[] read(String resource) {
        try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("console file " + resource + " is not in the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
