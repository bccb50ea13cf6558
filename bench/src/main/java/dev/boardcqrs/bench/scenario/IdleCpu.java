package dev.boardcqrs.bench.scenario;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The benchmark JVM's CPU while nothing is written, as a share of one core: the whole process, and its Java threads
 * alone (the stack's own work, without the JIT compiler and the garbage collector finishing the previous load).
 */
record IdleCpu(double processPercent, double threadsPercent) {
    static final Duration WINDOW = Duration.ofSeconds(5);

    /** Waits a second for work in flight to end, then measures over {@link #WINDOW}. */
    static IdleCpu measure() {
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long processBefore = processCpuNanos();
        long threadsBefore = threadsCpuNanos(threads);
        long wallBefore = System.nanoTime();
        LockSupport.parkNanos(WINDOW.toNanos());
        long wall = System.nanoTime() - wallBefore;
        return new IdleCpu(100.0 * (processCpuNanos() - processBefore) / wall,
                100.0 * (threadsCpuNanos(threads) - threadsBefore) / wall);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** A thread that ended in the window drops out of the sum; at rest none should. */
    private static long threadsCpuNanos(ThreadMXBean threads) {
        long sum = 0;
        for (long id : threads.getAllThreadIds()) {
            long cpu = threads.getThreadCpuTime(id);
            if (cpu > 0) {
                sum += cpu;
            }
        }
        return sum;
    }
}
