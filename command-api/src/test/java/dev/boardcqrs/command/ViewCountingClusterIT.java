package dev.boardcqrs.command;

import static dev.boardcqrs.embedded.JsonHttp.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.common.redis.RedisClients;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.EmbeddedRedisCluster;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SharedServers;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * View counting on a 3-master Redis Cluster: a counter lives in its article's slot, the set of unsaved articles in
 * its own, so the article is marked after the count; the timer still backs every counted article up.
 */
class ViewCountingClusterIT {
    private static EmbeddedDatabase database;
    private static EmbeddedRedisCluster cluster;
    private static UnifiedJedis redis;
    private static HikariDataSource pool;
    private static Javalin app;
    private static JsonHttp http;

    @BeforeAll
    static void start() {
        database = SharedServers.database();
        cluster = EmbeddedRedisCluster.start();
        redis = RedisClients.connect(cluster.url());
        pool = Database.pool(database.jdbcUrl(), EmbeddedDatabase.APP_USER, EmbeddedDatabase.APP_PASSWORD, 4,
                Duration.ofSeconds(5));
        app = CommandApp.create(TestConfig.commandApi(Map.of("REDIS_URL", cluster.url(), "REDIS_NAMESPACE", "vcluster",
                "VIEW_BACKUP_INTERVAL", "200ms")), pool, redis).start();
        http = TestApp.http(app);
    }

    @AfterAll
    static void stop() {
        app.stop();
        pool.close();
        redis.close();
        cluster.close();
    }

    @Test
    void shouldCountViewsOfArticlesOnEveryMasterAndBackThemUp() throws Exception {
        List<Long> articles = List.of(article(), article(), article(), article(), article(), article());
        for (long article : articles) {
            for (long user = 1; user <= 3; user++) {
                JsonHttp.Response view = http.as(TestConfig.token(user)).post("/articles/" + article + "/views", "");
                assertThat(view.json().get("viewCount").asLong()).as("views of %d", article).isEqualTo(user);
            }
        }
        for (long article : articles) {
            await().atMost(Duration.ofSeconds(10)).until(() -> backup(article) == 3);
        }
    }

    private static long article() {
        return http.as(TestConfig.token(1)).post("/articles", toJson(Map.of("boardId", 1, "title", "t", "content", "c")))
                .json().get("articleId").asLong();
    }

    private static long backup(long articleId) throws Exception {
        List<Long> count = database.ids("SELECT view_count FROM article_view_count WHERE article_id = " + articleId);
        return count.isEmpty() ? -1 : count.get(0);
    }
}
