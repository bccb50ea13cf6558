package dev.boardcqrs.bench;

import java.util.Optional;

/**
 * CPU seconds used so far by the processes this JVM started whose command line contains a marker: the embedded
 * search node ({@link #SEARCH_NODE}) or the embedded database ({@link #MARIADB}, {@link #MYSQL}). Like {@link RedisCpu}, the
 * difference over a measurement window says how busy that process was; read from the operating system
 * (ProcessHandle), because the node's own stats refresh only once a second.
 */
public final class ChildCpu {
    /**
     * The embedded OpenSearch node's temporary home (its java.io.tmpdir): early on its command line, where the
     * operating system's first 4096 characters still reach; its main class comes after a classpath longer than that.
     */
    public static final String SEARCH_NODE = "embedded-search-";
    /** The embedded MariaDB's server binary. */
    public static final String MARIADB = "mariadbd";
    /** The embedded MySQL's server binary. */
    public static final String MYSQL = "mysqld";

    private ChildCpu() {
    }

    /** The CPU seconds of every descendant whose command line contains {@code marker}; 0 when none runs. */
    public static double seconds(String marker) {
        return ProcessHandle.current().descendants()
                .filter(process -> process.info().commandLine().map(line -> line.contains(marker)).orElse(false))
                .map(process -> process.info().totalCpuDuration())
                .flatMap(Optional::stream)
                .mapToDouble(cpu -> cpu.toNanos() / 1e9)
                .sum();
    }
}
