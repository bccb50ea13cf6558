package dev.boardcqrs.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Runs {@link LoadGenerator} as a separate JVM (same java, same classpath as this process) against one URL
 * and returns what it measured. A separate process keeps the generator's threads and garbage out of the
 * measured server's JVM, as wrk would.
 */
public final class LoadRun {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private LoadRun() {
    }

    /**
     * What one generator run measured; throughput counts answers with status 200 only. The CPU figures are
     * microseconds per answered request in the measured window: this JVM (the servers under test and whatever
     * else runs in it), Redis (NaN when not asked) and the load generator.
     */
    public record Result(long requests, long errors, double throughput, double p50Ms, double p99Ms, double maxMs,
                         double serverCpuMicros, double redisCpuMicros, double generatorCpuMicros) {
    }

    public static Result run(int port, String pathTemplate, IdPicker ids, int concurrency, Duration warmup,
                             Duration duration) throws IOException, InterruptedException {
        return run(port, pathTemplate, ids, concurrency, warmup, duration, () -> Double.NaN);
    }

    /** {@code redisCpuSeconds}: Redis' CPU seconds so far, read when the measured window opens and closes. */
    public static Result run(int port, String pathTemplate, IdPicker ids, int concurrency, Duration warmup,
                             Duration duration, DoubleSupplier redisCpuSeconds) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), LoadGenerator.class.getName(),
                "127.0.0.1", Integer.toString(port), pathTemplate, ids.toString(), Integer.toString(concurrency),
                Long.toString(warmup.toMillis()), Long.toString(duration.toMillis())))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Process process = builder.start();
        long serverCpu = 0;
        double redisCpu = 0;
        String last = "";
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.equals("window-start") || line.equals("window-end")) {
                    long sign = line.equals("window-start") ? -1 : 1;
                    serverCpu += sign * LoadGenerator.processCpuNanos();
                    redisCpu += sign * redisCpuSeconds.getAsDouble();
                } else if (!line.isBlank()) {
                    last = line.trim();
                }
            }
        }
        long limit = warmup.plus(duration).toSeconds() + 60;
        if (!process.waitFor(limit, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("load generator did not finish within " + limit + " s");
        }
        if (process.exitValue() != 0 || last.isEmpty()) {
            throw new IllegalStateException("load generator failed (exit " + process.exitValue() + "): " + last);
        }
        JsonNode json = MAPPER.readTree(last);
        long requests = json.path("requests").asLong();
        double perRequest = Math.max(1, requests);
        return new Result(requests, json.path("errors").asLong(),
                json.path("throughput").asDouble(), json.path("p50Ms").asDouble(), json.path("p99Ms").asDouble(),
                json.path("maxMs").asDouble(), serverCpu / 1e3 / perRequest, redisCpu * 1e6 / perRequest,
                json.path("cpuSeconds").asDouble() * 1e6 / perRequest);
    }
}
