package dev.boardcqrs.bench.load;

import dev.boardcqrs.bench.data.Vocabulary;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

/**
 * A closed-loop HTTP load generator, run as its own JVM so its CPU shows up as a separate process, like wrk:
 * CONCURRENCY threads each send a GET, wait for the answer and send the next, for the warm-up and then the
 * measured seconds. Prints "window-start" and "window-end" lines when the measured window opens and closes, then
 * one JSON line: requests, errors, throughput, p50, p99 and max latency, and its own CPU seconds in the window.
 *
 * <pre>java -cp ... LoadGenerator HOST PORT PATH_TEMPLATE IDS CONCURRENCY WARMUP_MS DURATION_MS</pre>
 * PATH_TEMPLATE contains {id}, or {word} for the id-th word of the seed's {@link Vocabulary} (searches); IDS is
 * uniform:N or skewed:N:STRIDE ({@link IdPicker}).
 */
public final class LoadGenerator {
    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: LoadGenerator HOST PORT PATH_TEMPLATE IDS CONCURRENCY WARMUP_MS DURATION_MS");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String template = args[2];
        IdPicker ids = IdPicker.parse(args[3]);
        int concurrency = Integer.parseInt(args[4]);
        long warmupNanos = Long.parseLong(args[5]) * 1_000_000;
        long durationNanos = Long.parseLong(args[6]) * 1_000_000;

        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        long measureUntil = measureFrom + durationNanos;
        List<Worker> workers = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            Worker worker = new Worker(host, port, template, ids, new SplittableRandom(i * 7919L + start),
                    measureFrom, measureUntil, done);
            workers.add(worker);
            new Thread(worker, "load-" + i).start();
        }
        // tells the parent when the measured window opens and closes, so it can read the server's and Redis' CPU
        // for the same window
        long cpuAtStart = atWindowEdge(measureFrom, "window-start");
        long cpuAtEnd = atWindowEdge(measureUntil, "window-end");
        done.await();
        System.out.println(summary(workers, durationNanos, cpuAtEnd - cpuAtStart));
    }

    /** Sleeps until {@code nanoTime}, prints {@code marker} on its own line and answers this JVM's CPU nanoseconds. */
    private static long atWindowEdge(long nanoTime, String marker) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        long cpu = processCpuNanos();
        System.out.println(marker);
        System.out.flush();
        return cpu;
    }

    static String path(String template, long id) {
        return template.replace("{id}", Long.toString(id)).replace("{word}", Vocabulary.word(id));
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String summary(List<Worker> workers, long durationNanos, long cpuNanos) {
        int total = workers.stream().mapToInt(w -> w.count).sum();
        long[] all = new long[total];
        int at = 0;
        long errors = 0;
        for (Worker worker : workers) {
            System.arraycopy(worker.latencies, 0, all, at, worker.count);
            at += worker.count;
            errors += worker.errors;
        }
        Arrays.sort(all);
        double seconds = durationNanos / 1e9;
        return String.format(Locale.ROOT, "{\"requests\":%d,\"errors\":%d,\"throughput\":%.1f,\"p50Ms\":%.3f,"
                        + "\"p99Ms\":%.3f,\"maxMs\":%.3f,\"cpuSeconds\":%.3f}", total, errors, total / seconds,
                percentile(all, 0.50), percentile(all, 0.99), total == 0 ? 0.0 : all[total - 1] / 1e6, cpuNanos / 1e9);
    }

    static double percentile(long[] sortedNanos, double fraction) {
        if (sortedNanos.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(fraction * sortedNanos.length) - 1);
        return sortedNanos[Math.max(0, index)] / 1e6;
    }

    /** One closed-loop client: its own connection, its own latencies (no sharing while measuring). */
    private static final class Worker implements Runnable {
        private final HttpConnection connection;
        private final String template;
        private final IdPicker ids;
        private final SplittableRandom random;
        private final long measureFrom;
        private final long measureUntil;
        private final CountDownLatch done;
        private long[] latencies = new long[1 << 16];
        private int count;
        private long errors;

        Worker(String host, int port, String template, IdPicker ids, SplittableRandom random, long measureFrom,
               long measureUntil, CountDownLatch done) {
            this.connection = new HttpConnection(host, port);
            this.template = template;
            this.ids = ids;
            this.random = random;
            this.measureFrom = measureFrom;
            this.measureUntil = measureUntil;
            this.done = done;
        }

        @Override
        public void run() {
            try {
                for (long now = System.nanoTime(); now < measureUntil; now = System.nanoTime()) {
                    String path = path(template, ids.next(random));
                    boolean ok;
                    try {
                        ok = connection.get(path).status() == 200;
                    } catch (IOException e) {
                        ok = false;
                        connection.close();
                    }
                    long end = System.nanoTime();
                    if (now >= measureFrom && end <= measureUntil) {
                        record(end - now, ok);
                    }
                }
            } finally {
                connection.close();
                done.countDown();
            }
        }

        private void record(long nanos, boolean ok) {
            if (!ok) {
                errors++;
                return;
            }
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = nanos;
        }
    }
}
