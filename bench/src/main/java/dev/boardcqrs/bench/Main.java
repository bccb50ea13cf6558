package dev.boardcqrs.bench;

import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.logging.Logging;
import java.nio.file.Path;

/**
 * Runs the benchmark on embedded defaults and prints where the results are. Settings: BENCH_SCALE (1.0 = the
 * full data set), BENCH_RUNS, BENCH_DURATION, BENCH_CONCURRENCY, BENCH_WRITE_RATES, BENCH_SCENARIOS...
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Logging.routeJavaUtilLogging();
        BenchConfig config = Env.loadOrExit("bench", BenchConfig::fromEnv);
        for (Path file : new BenchRunner(config, System.getenv()).run()) {
            System.out.println("results " + file.toAbsolutePath());
        }
        // Debezium and Jetty leave non-daemon threads behind after close; the run is over
        System.exit(0);
    }
}
