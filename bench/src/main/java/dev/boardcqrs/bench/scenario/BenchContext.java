package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.bench.BenchConfig;
import dev.boardcqrs.bench.Progress;
import dev.boardcqrs.bench.data.Dataset;
import dev.boardcqrs.launcher.DevStack;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every scenario works with: the settings, the seeded data set, the running stack (built exactly as the
 * launcher builds it) and how its first snapshot of the seeded data went (rate, and the CPU seconds Redis had
 * used when it was done).
 */
public record BenchContext(BenchConfig config, Dataset data, DevStack stack, Progress.Measured initialSnapshot,
                           double snapshotRedisCpuSeconds, Path workDirectory) {

    public int queryApiPort() {
        return URI.create(stack.queryApiUrl()).getPort();
    }

    /** A new empty directory for one scenario's files (a baseline engine's offsets, say). */
    public Path newDirectory(String name) throws IOException {
        return Files.createTempDirectory(workDirectory, name);
    }
}
