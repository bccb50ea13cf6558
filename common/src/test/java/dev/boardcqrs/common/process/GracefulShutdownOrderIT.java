package dev.boardcqrs.common.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A service's stop steps run to their end before any other shutdown hook of its JVM starts. */
class GracefulShutdownOrderIT {

    @Test
    void shouldFinishTheStopStepsBeforeLibrariesShutdownHooksStartOnSigterm() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StopOrderProcess.class.getName())
                .redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> read(process, lines), "stop-order-output");
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> lines.contains("ready") || !process.isAlive());

        // SIGTERM; Process.destroy() would also close the pipe the rest of the child's output comes through
        process.toHandle().destroy();

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        reader.join(5_000);
        assertThat(lines).containsExactly("ready", "stop steps begin", "stop steps end", "library hook");
        assertThat(process.exitValue()).as("a requested stop is not a failure").isZero();
    }

    private static void read(Process process, List<String> lines) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(StopOrderProcess.PREFIX)) {
                    lines.add(line.substring(StopOrderProcess.PREFIX.length()));
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}
