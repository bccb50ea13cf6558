package dev.boardcqrs.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.common.auth.HmacTokenIssuer;
import dev.boardcqrs.common.auth.JwtSettings;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SharedServers;
import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Stopping the stack with SIGTERM loses no counted view: command-api backs up every counter it has not saved yet
 * before its Redis goes away. The stack is the launcher's, in its own JVM with its embedded Redis, on a MariaDB of
 * this test's that is still there to be read afterwards.
 */
class StackStopIT {
    private static final String SECRET = "stack-stop-test-secret-0123456789abcdef";
    private static final int VIEWERS = 3;

    @Test
    void shouldBackUpEveryUnsavedViewCountToTheDatabaseWhenStoppedWithSigterm() throws Exception {
        Path jar = Path.of("target", "launcher.jar");
        assertThat(jar).as("run after `mvn package`").exists();
        EmbeddedDatabase database = SharedServers.database();
        long articleId = database.insert("INSERT INTO article (board_id, writer_id, title, content) VALUES (1, 1, 't', 'c')");
        StackProcess stack = StackProcess.start(Map.of("COMMAND_API_PORT", "0", "QUERY_API_PORT", "0",
                        "PROJECTOR_PORT", "0", "JWT_SECRET", SECRET,
                        // no backup on the way: every view below is unsaved when the stop begins
                        "VIEW_BACKUP_EVERY", "1000000", "VIEW_BACKUP_INTERVAL", "1h"),
                "-cp", jar + File.pathSeparator + Path.of("target", "test-classes"),
                StackOnOutsideDatabase.class.getName(), database.kind().id(), Integer.toString(database.port()));
        Process process = stack.process();
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> stack.endpoints().containsKey("token-user-1")
                    || !process.isAlive());
            assertThat(process.isAlive()).as("stack is running").isTrue();
            JsonHttp command = new JsonHttp(stack.endpoints().get("command-api"));
            HmacTokenIssuer tokens = new HmacTokenIssuer(JwtSettings.fromEnv(new Env(Map.of("JWT_SECRET", SECRET))),
                    Clock.systemUTC());
            for (int user = 1; user <= VIEWERS; user++) {
                JsonHttp.Response view = command.as(tokens.issue(Integer.toString(user), Duration.ofMinutes(5)))
                        .post("/articles/" + articleId + "/views", "");
                assertThat(view.json().get("counted").asBoolean()).isTrue();
            }
            assertThat(savedViews(database, articleId)).as("views are unsaved before the stop").isEmpty();
        } finally {
            // SIGTERM, like docker stop; unlike Process.destroy(), it leaves the pipe open that echoes the stack's
            // warnings and errors on its way down into this test's report
            process.toHandle().destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s of SIGTERM").isTrue();
        }

        assertThat(process.exitValue()).as("a requested stop is not a failure").isZero();
        assertThat(savedViews(database, articleId)).as("views backed up before Redis stopped").containsExactly((long) VIEWERS);
    }

    private static List<Long> savedViews(EmbeddedDatabase database, long articleId) throws Exception {
        return database.ids("SELECT view_count FROM article_view_count WHERE article_id = " + articleId);
    }
}
