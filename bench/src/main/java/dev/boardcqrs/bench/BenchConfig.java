package dev.boardcqrs.bench;

import dev.boardcqrs.common.config.ConfigException;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.embedded.DatabaseKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Everything the benchmark can be told, read once from the environment and validated at start-up.
 * The services themselves read their usual variables (PROJECTOR_POLL_INTERVAL, ...), passed through.
 */
public record BenchConfig(
        double scale,
        int runs,
        Duration warmup,
        Duration duration,
        List<Integer> concurrencies,
        List<Integer> writeRates,
        Duration freshnessDuration,
        long streamChanges,
        Path resultsDir,
        Set<String> scenarios,
        DatabaseKind database) {

    public static final Set<String> ALL_SCENARIOS = Set.of("projector", "read", "small-near-cache", "freshness",
            "rebuild", "memory", "catalog", "readyourwrites", "redis-down", "kafka",
            "search");

    public static BenchConfig fromEnv(Env env) {
        double scale = decimal(env, "BENCH_SCALE", 1.0);
        if (!(scale > 0 && scale <= 10)) {
            throw new ConfigException("BENCH_SCALE must be a number above 0 and at most 10, but was '"
                    + env.string("BENCH_SCALE", "") + "'");
        }
        long streamChanges = env.number("BENCH_STREAM_CHANGES", Math.max(100, Math.round(200_000 * scale)), 1,
                100_000_000);
        return new BenchConfig(scale,
                env.integer("BENCH_RUNS", 3, 1, 100),
                env.duration("BENCH_WARMUP", Duration.ofSeconds(1)),
                positive(env, "BENCH_DURATION", Duration.ofSeconds(5)),
                numbers(env, "BENCH_CONCURRENCY", "10,50", 1, 1000),
                numbers(env, "BENCH_WRITE_RATES", "100,1000", 1, 1_000_000),
                positive(env, "BENCH_FRESHNESS_DURATION", Duration.ofSeconds(10)),
                streamChanges,
                Path.of(env.string("BENCH_RESULTS_DIR", "bench/results")),
                scenarios(env),
                DatabaseKind.parse("BENCH_DATABASE", env.oneOf("BENCH_DATABASE", DatabaseKind.MARIADB.id(),
                        Set.of(DatabaseKind.MARIADB.id(), DatabaseKind.MYSQL.id()))));
    }

    private static double decimal(Env env, String name, double defaultValue) {
        String raw = env.string(name, null);
        if (raw == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a number such as 0.01, but was '" + raw + "'");
        }
    }

    private static Duration positive(Env env, String name, Duration defaultValue) {
        Duration value = env.duration(name, defaultValue);
        if (value.isZero()) {
            throw new ConfigException(name + " must be longer than 0");
        }
        return value;
    }

    private static List<Integer> numbers(Env env, String name, String defaultValue, int min, int max) {
        String raw = env.string(name, defaultValue);
        try {
            List<Integer> values = Arrays.stream(raw.split(",")).map(String::trim).map(Integer::parseInt).toList();
            if (values.stream().allMatch(v -> v >= min && v <= max)) {
                return values;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(name + " must be a comma-separated list of integers between " + min + " and "
                + max + ", but was '" + raw + "'");
    }

    private static Set<String> scenarios(Env env) {
        String raw = env.string("BENCH_SCENARIOS", String.join(",", ALL_SCENARIOS));
        Set<String> names = Set.of(raw.split("\\s*,\\s*"));
        if (!ALL_SCENARIOS.containsAll(names)) {
            throw new ConfigException("BENCH_SCENARIOS must be a comma-separated subset of " + ALL_SCENARIOS
                    + ", but was '" + raw + "'");
        }
        return names;
    }
}
