package dev.boardcqrs.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.FreePort;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SharedServers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * cdc-projector as an operator runs it: the packaged jar in its own JVM, stopped with SIGTERM (docker stop,
 * systemd, kill). It must finish the batch in flight, also one its Redis writer still works on while the engine
 * reads the next, commit its offsets and exit 0. Offsets are flushed only every hour here, so what the next
 * start resumes from can only have been written by the shutdown.
 */
class GracefulShutdownIT {
    private static final long BIG_TRANSACTION = 2000;
    private static final long SMALL_TRANSACTIONS = 3000;

    @Test
    void shouldFinishTheBatchInFlightCommitOffsetsAndExitZeroOnSigterm() throws Exception {
        Stopped stopped = new Stopped("sigterm");
        Process process = start(stopped.environment, stopped.log);
        try (RedisClient redis = RedisClient.create(URI.create(SharedServers.redis().url()))) {
            long articleId = articleWithFiveComments(redis, stopped.keys);

            insertCommentsInOneTransaction(articleId);
            process.destroy(); // SIGTERM, while the big transaction is on its way or being applied

            assertStoppedCleanly(process, stopped);
            assertNextStartResumesExactly(redis, stopped, articleId, 5 + BIG_TRANSACTION);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void shouldFinishTheBatchItsRedisWriterHoldsWhenStoppedWhileCatchingUp() throws Exception {
        Stopped stopped = new Stopped("sigterm-catching-up");
        Process process = start(stopped.environment, stopped.log);
        try (RedisClient redis = RedisClient.create(URI.create(SharedServers.redis().url()))) {
            long articleId = articleWithFiveComments(redis, stopped.keys);

            // a backlog of small transactions: catching up on it, the engine reads full batches, each still being
            // written when the next is read
            signal(process, "STOP");
            insertCommentsOneByOne(articleId);
            signal(process, "CONT");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(() -> !"5".equals(
                    redis.hget(stopped.keys.activeIn(redis).map(BoardKeys::in).orElseThrow().article(articleId), "commentCount")));
            process.destroy(); // SIGTERM, in the middle of the catch-up

            assertStoppedCleanly(process, stopped);
            assertNextStartResumesExactly(redis, stopped, articleId, 5 + SMALL_TRANSACTIONS);
        } finally {
            process.destroyForcibly();
        }
    }

    /** Where one projector process keeps its offsets and log, and the environment it runs with. */
    private static final class Stopped {
        final KeyScheme keys;
        final Path data;
        final Path log;
        final Map<String, String> environment;

        Stopped(String namespace) throws Exception {
            keys = new KeyScheme(namespace);
            data = Files.createTempDirectory("projector-" + namespace);
            log = data.resolve("projector.log");
            environment = new HashMap<>(Map.of(
                    "DATABASE_URL", SharedServers.database().jdbcUrl(),
                    "REDIS_URL", SharedServers.redis().url(),
                    "REDIS_NAMESPACE", keys.namespace(),
                    "PROJECTOR_PORT", Integer.toString(FreePort.find()),
                    "PROJECTOR_OFFSET_FILE", data.resolve("offsets.dat").toString(),
                    "PROJECTOR_SCHEMA_HISTORY_FILE", data.resolve("history.dat").toString(),
                    "PROJECTOR_OFFSET_FLUSH_INTERVAL", "1h",
                    // small batches, so that a backlog gives many full ones
                    "PROJECTOR_MAX_BATCH_SIZE", "100"));
        }
    }

    private static long articleWithFiveComments(RedisClient redis, KeyScheme keys) throws Exception {
        EmbeddedDatabase database = SharedServers.database();
        long articleId = database.insert("INSERT INTO article (board_id, writer_id, title, content) VALUES (4242, 1, 't', 'c')");
        for (int i = 0; i < 5; i++) {
            database.insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 2, 'small')", articleId);
        }
        // and the first snapshot done: the rows above may come as its rows, and a SIGTERM during it leaves a snapshot
        // to do again (seen on a slow VM), where these tests mean to stop a streaming projector. A snapshot that read
        // no rows never marks the generation building
        await().ignoreExceptions().atMost(Duration.ofSeconds(30)).until(() -> "5".equals(
                redis.hget(keys.activeIn(redis).map(BoardKeys::in).orElseThrow().article(articleId), "commentCount"))
                && !"1".equals(redis.hget(keys.activeIn(redis).orElseThrow().meta(), "building")));
        return articleId;
    }

    private static void assertStoppedCleanly(Process process, Stopped stopped) throws Exception {
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s of SIGTERM").isTrue();
        assertThat(process.exitValue()).as("exit code; log:%n%s", tail(stopped.log)).isZero();
        assertThat(Files.readString(stopped.log)).contains("cdc-projector stopped");
        assertThat(stopped.data.resolve("offsets-g1.dat")).as("offsets of the first generation committed at shutdown")
                .exists();
    }

    /**
     * The next start resumes exactly where the stopped one committed: nothing applied is delivered again (the
     * watermark would skip it, and count it), nothing is missing.
     */
    private static void assertNextStartResumesExactly(RedisClient redis, Stopped stopped, long articleId,
                                                      long commentsBefore) throws Exception {
        EmbeddedDatabase database = SharedServers.database();
        Projector next = new Projector(ProjectorConfig.fromEnv(new Env(Map.of(
                "DATABASE_URL", database.jdbcUrl(),
                "REDIS_URL", SharedServers.redis().url(),
                "REDIS_NAMESPACE", stopped.keys.namespace(),
                "PROJECTOR_PORT", "0",
                "PROJECTOR_OFFSET_FILE", stopped.environment.get("PROJECTOR_OFFSET_FILE"),
                "PROJECTOR_SCHEMA_HISTORY_FILE", stopped.environment.get("PROJECTOR_SCHEMA_HISTORY_FILE")))), redis);
        try {
            next.start();
            database.insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 2, 'after restart')", articleId);
            // a slow VM took over a minute for the backlog once; the message says where the count stood
            await().ignoreExceptions().atMost(Duration.ofSeconds(150)).untilAsserted(() -> assertThat(redis.hget(
                    stopped.keys.activeIn(redis).map(BoardKeys::in).orElseThrow().article(articleId), "commentCount"))
                    .as("comments counted after the restart").isEqualTo(Long.toString(commentsBefore + 1)));
            assertThat(next.status().duplicates()).as("changes delivered again after the restart").isZero();
            assertThat(next.status().snapshotRows()).as("no new snapshot").isZero();
        } finally {
            next.close();
        }
    }

    /** SIGSTOP or SIGCONT: a paused projector falls behind without knowing it. */
    private static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -%s", signal).isZero();
    }

    // The default snapshot mode on purpose: with no_data, rows written after the task started but before the
    // connector took its binlog position would be in neither the snapshot nor the stream.
    private static Process start(Map<String, String> environment, Path log) throws Exception {
        Path jar = Path.of("target", "cdc-projector.jar");
        assertThat(jar).as("run after `mvn package`").exists();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString());
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = builder.start();
        JsonHttp http = new JsonHttp("http://127.0.0.1:" + environment.get("PROJECTOR_PORT"));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> !process.isAlive()
                || http.get("/health").json().path("state").asText().matches("RUNNING|SNAPSHOT|STREAMING"));
        assertThat(process.isAlive()).as("projector running; log:%n%s", tail(log)).isTrue();
        return process;
    }

    private static void insertCommentsOneByOne(long articleId) throws Exception {
        try (Connection connection = SharedServers.database().connectAsRoot();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO comment (article_id, writer_id, content) VALUES (?, 3, 'one of many')")) {
            for (int i = 0; i < SMALL_TRANSACTIONS; i++) { // autocommit: a transaction each
                insert.setLong(1, articleId);
                insert.executeUpdate();
            }
        }
    }

    private static void insertCommentsInOneTransaction(long articleId) throws Exception {
        try (Connection connection = SharedServers.database().connectAsRoot();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO comment (article_id, writer_id, content) VALUES (?, 3, 'big')")) {
            connection.setAutoCommit(false);
            for (int i = 0; i < BIG_TRANSACTION; i++) {
                insert.setLong(1, articleId);
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
        }
    }

    private static String tail(Path log) throws Exception {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        return text.substring(Math.max(0, text.length() - 4000));
    }
}
