package dev.boardcqrs.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.PrometheusText;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.cli.OperatorCommands;
import dev.boardcqrs.projector.deadletter.DeadLetter;
import dev.boardcqrs.projector.deadletter.DeadLetters;
import dev.boardcqrs.projector.redis.JedisProjectorRedis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Poison changes against the real servers: a change the projector cannot apply goes to the dead-letter stream
 * with its row images, error and position, the changes after it still apply, an operator lists it, and a retry
 * applies it once the cause is fixed or keeps it with the new error.
 */
class DeadLetterIT {
    private static final KeyScheme KEYS = new KeyScheme("dead");

    @Test
    void shouldKeepPoisonChangesAsDeadLettersGoOnAndRetryThemOnceFixed() throws Exception {
        EmbeddedDatabase database = SharedServers.database();
        Path data = Files.createTempDirectory("projector-dead");
        ProjectorConfig config = ProjectorConfig.fromEnv(new Env(Map.of(
                "DATABASE_URL", database.jdbcUrl(),
                "REDIS_URL", SharedServers.redis().url(),
                "REDIS_NAMESPACE", KEYS.namespace(),
                "PROJECTOR_PORT", "0",
                "PROJECTOR_ADMIN_TOKEN", "dead-letter-test-admin-token-0123456789",
                "PROJECTOR_OFFSET_FILE", data.resolve("offsets.dat").toString(),
                "PROJECTOR_SCHEMA_HISTORY_FILE", data.resolve("history.dat").toString())));
        try (RedisClient redis = RedisClient.create(URI.create(SharedServers.redis().url()));
             Projector projector = new Projector(config, redis).start()) {
            assertThat(projector.status().awaitStarted(Duration.ofSeconds(60))).isTrue();
            long healthy = database.insert("INSERT INTO article (board_id, writer_id, title, content) VALUES (5151, 1, 'a', 'c')");
            long clobbered = database.insert("INSERT INTO article (board_id, writer_id, title, content) VALUES (5151, 1, 'b', 'c')");
            await().atMost(Duration.ofSeconds(30)).until(() -> redis.exists(models(redis).article(clobbered)));

            // a row that breaks the read model's assumption: another system made comment.article_id optional
            database.execute("ALTER TABLE comment MODIFY article_id BIGINT NULL");
            long orphan = database.insert("INSERT INTO comment (article_id, writer_id, content) VALUES (NULL, 2, 'orphan')");
            // a change Redis refuses: something else wrote a string where the article's model hash belongs
            redis.del(models(redis).article(clobbered));
            redis.set(models(redis).article(clobbered), "not a model");
            database.insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 2, 'refused')", clobbered);
            database.insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 2, 'after the poison')", healthy);

            await().atMost(Duration.ofSeconds(30)).until(() -> "1".equals(redis.hget(models(redis).article(healthy), "commentCount")));
            DeadLetters deadLetters = new DeadLetters(new JedisProjectorRedis(redis), KEYS, Clock.systemUTC());
            await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.count() == 2);
            List<DeadLetter> letters = deadLetters.list();
            DeadLetter nullArticle = letters.get(0);
            assertThat(nullArticle.table()).isEqualTo("comment");
            assertThat(nullArticle.operation()).isEqualTo("CREATE");
            assertThat(nullArticle.after()).contains("\"comment_id\":" + orphan, "\"article_id\":null");
            assertThat(nullArticle.error()).contains("article_id is null");
            assertThat(nullArticle.position()).matches(".+:\\d+#\\d+\\.\\d+.*");
            assertThat(letters.get(1).error()).contains("WRONGTYPE");
            assertThat(letters.get(1).after()).contains("\"article_id\":" + clobbered);

            JsonHttp http = new JsonHttp("http://127.0.0.1:" + projector.port());
            assertThat(http.get("/status").json().path("deadLetters").asLong()).isEqualTo(2);
            String scrape = http.get("/metrics").body();
            assertThat(PrometheusText.sum(scrape, "projector_dead_letters", Map.of())).isEqualTo(2);
            assertThat(PrometheusText.sum(scrape, "projector_errors_total", Map.of("kind", "projection"))).isEqualTo(1);
            assertThat(PrometheusText.sum(scrape, "projector_errors_total", Map.of("kind", "apply"))).isEqualTo(1);

            ByteArrayOutputStream listed = new ByteArrayOutputStream();
            assertThat(commands(config, redis, listed, projector).run("deadletters")).isZero();
            assertThat(listed.toString(StandardCharsets.UTF_8)).contains(nullArticle.id(), letters.get(1).id(),
                    "CREATE on comment", "article_id is null", "WRONGTYPE", "2 dead letters");

            redis.del(models(redis).article(clobbered)); // the operator removes the stray key
            ByteArrayOutputStream retried = new ByteArrayOutputStream();
            assertThat(commands(config, redis, retried, projector).run("deadletters", "retry"))
                    .as("one is still failing").isEqualTo(1);
            assertThat(retried.toString(StandardCharsets.UTF_8)).contains("applied      1", "failing      1");

            List<DeadLetter> left = deadLetters.list();
            assertThat(left).hasSize(1);
            assertThat(left.get(0).after()).contains("\"comment_id\":" + orphan);
            assertThat(left.get(0).attempts()).isEqualTo(2);
            assertThat(left.get(0).error()).contains("article_id is null");
            assertThat(redis.type(models(redis).article(clobbered))).as("left to be built from SQL on its next read").isEqualTo("none");
            assertThat(http.get("/status").json().path("deadLetters").asLong()).isEqualTo(1);
        } finally {
            database.execute("DELETE FROM comment WHERE article_id IS NULL");
            database.execute("ALTER TABLE comment MODIFY article_id BIGINT NOT NULL");
        }
    }

    private static OperatorCommands commands(ProjectorConfig config, RedisClient redis, ByteArrayOutputStream out,
                                             Projector projector) {
        return new OperatorCommands(config, new JedisProjectorRedis(redis), new PrintStream(out, true, StandardCharsets.UTF_8),
                "http://127.0.0.1:" + projector.port());
    }

    /** The board's keys in the generation readers use now. */
    private static BoardKeys models(UnifiedJedis redis) {
        return KEYS.activeIn(redis).map(BoardKeys::in).orElseThrow(() -> new AssertionError("the projector has made no generation yet"));
    }
}
