package dev.boardcqrs.command;

import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SharedServers;
import io.javalin.Javalin;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import redis.clients.jedis.RedisClient;

/** command-api on the shared MariaDB and Redis, started the way Main starts it, for one test class. */
final class TestApp implements AutoCloseable {
    private final HikariDataSource pool;
    private final RedisClient redis;
    private final Javalin app;

    private TestApp(HikariDataSource pool, RedisClient redis, Javalin app) {
        this.pool = pool;
        this.redis = redis;
        this.app = app;
    }

    /** {@code settings}: environment variables on top of {@link TestConfig}'s. */
    static TestApp start(Map<String, String> settings, int poolSize) {
        EmbeddedDatabase database = SharedServers.database();
        RedisClient redis = RedisClient.create(URI.create(SharedServers.redis().url()));
        HikariDataSource pool = Database.pool(database.jdbcUrl(), EmbeddedDatabase.APP_USER, EmbeddedDatabase.APP_PASSWORD,
                poolSize, Duration.ofSeconds(5));
        Javalin app = CommandApp.create(TestConfig.commandApi(settings), pool, redis).start();
        return new TestApp(pool, redis, app);
    }

    /** A client without credentials; {@code .as(token)} adds them. */
    JsonHttp http() {
        return new JsonHttp("http://127.0.0.1:" + app.port());
    }

    RedisClient redis() {
        return redis;
    }

    @Override
    public void close() {
        app.stop();
        pool.close();
        redis.close();
    }
}
