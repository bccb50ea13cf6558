package dev.boardcqrs.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link LoadGenerator} as a separate JVM (same java, same classpath as this process) against one URL
 * and returns what it measured. A separate process keeps the generator's threads and garbage out of the
 * measured server's JVM, as wrk would.
 */
public final class LoadRun {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private LoadRun() {
    }

    /** What one generator run measured; throughput counts answers with status 200 only. */
    public record Result(long requests, long errors, double throughput, double p50Ms, double p99Ms, double maxMs) {
    }

    public static Result run(int port, String pathTemplate, IdPicker ids, int concurrency, Duration warmup,
                             Duration duration) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), LoadGenerator.class.getName(),
                "127.0.0.1", Integer.toString(port), pathTemplate, ids.toString(), Integer.toString(concurrency),
                Long.toString(warmup.toMillis()), Long.toString(duration.toMillis())))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        long limit = warmup.plus(duration).toSeconds() + 60;
        if (!process.waitFor(limit, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("load generator did not finish within " + limit + " s");
        }
        String text = new String(output, StandardCharsets.UTF_8).trim();
        if (process.exitValue() != 0 || text.isEmpty()) {
            throw new IllegalStateException("load generator failed (exit " + process.exitValue() + "): " + text);
        }
        JsonNode json = MAPPER.readTree(text.substring(text.lastIndexOf('\n') + 1));
        return new Result(json.path("requests").asLong(), json.path("errors").asLong(),
                json.path("throughput").asDouble(), json.path("p50Ms").asDouble(), json.path("p99Ms").asDouble(),
                json.path("maxMs").asDouble());
    }
}
