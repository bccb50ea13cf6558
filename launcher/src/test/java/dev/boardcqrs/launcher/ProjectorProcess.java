package dev.boardcqrs.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.FreePort;
import dev.boardcqrs.embedded.JsonHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * cdc-projector as its own JVM, from the packaged jar, on the stack's database, Redis and offsets, so a
 * convergence test can kill it with SIGKILL (no shutdown hook, no offset commit, maybe mid-EXEC).
 */
final class ProjectorProcess {
    private final Process process;
    private final Path log;

    private ProjectorProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** {@code settings}: environment variables on top of the stack's connections. */
    static ProjectorProcess start(DevStack stack, Map<String, String> settings) throws Exception {
        Path jar = Path.of("..", "cdc-projector", "target", "cdc-projector.jar");
        assertThat(jar).as("cdc-projector is packaged before the launcher's integration tests").exists();
        int port = FreePort.find();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString());
        builder.environment().putAll(Map.of(
                "DATABASE_URL", stack.database().jdbcUrl(),
                "CDC_DATABASE_USER", EmbeddedDatabase.CDC_USER,
                "CDC_DATABASE_PASSWORD", EmbeddedDatabase.CDC_PASSWORD,
                "REDIS_URL", stack.redisUrl(),
                "PROJECTOR_PORT", Integer.toString(port),
                "PROJECTOR_OFFSET_FILE", stack.projectorConfig().offsetFile().toString(),
                "PROJECTOR_SCHEMA_HISTORY_FILE", stack.projectorConfig().schemaHistoryFile().toString()));
        if (stack.projectorConfig().search().enabled()) {
            builder.environment().put("SEARCH_URL", stack.projectorConfig().search().url().toString());
        }
        builder.environment().putAll(settings);
        // its log, for when a test fails: target/projector-process-PORT.log
        Path log = Path.of("target", "projector-process-" + port + ".log");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = builder.start();
        JsonHttp health = new JsonHttp("http://127.0.0.1:" + port);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> !process.isAlive()
                || health.get("/health").json().path("state").asText().matches("RUNNING|SNAPSHOT|STREAMING"));
        assertThat(process.isAlive()).as("projector process is running").isTrue();
        return new ProjectorProcess(process, log);
    }

    /** SIGSTOP: the projector stops applying changes without knowing it, as a long GC pause or a stuck host would. */
    void pause() throws Exception {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() throws Exception {
        signal("CONT");
    }

    /**
     * SIGQUIT: the JVM writes every thread's stack to its log and runs on; for a test that gives up waiting on it.
     * Answers the log.
     */
    Path dumpThreads() throws Exception {
        if (process.isAlive()) {
            signal("QUIT");
        }
        return log;
    }

    private void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -%s", signal).isZero();
    }

    /** SIGTERM: the projector shuts down as an operator stops it (in Kafka mode it leaves the consumer group). */
    void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }
}
