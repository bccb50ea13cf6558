package dev.boardcqrs.bench.scenario;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** The benchmark JVM's CPU while nothing is written: what the stack costs at rest, as a share of one core. */
final class IdleCpu {
    static final Duration WINDOW = Duration.ofSeconds(5);

    private IdleCpu() {
    }

    /** Waits a second for work in flight to end, then measures the JVM's CPU over {@link #WINDOW}. */
    static double percentOfCore() {
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        long cpuBefore = processCpuNanos();
        long wallBefore = System.nanoTime();
        LockSupport.parkNanos(WINDOW.toNanos());
        return 100.0 * (processCpuNanos() - cpuBefore) / (System.nanoTime() - wallBefore);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
