package dev.boardcqrs.command;

import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.common.web.OpenApiContract;
import dev.boardcqrs.embedded.EmbeddedMariaDb;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SharedServers;
import io.javalin.Javalin;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import redis.clients.jedis.RedisClient;

/**
 * command-api on the shared MariaDB and Redis, started the way Main starts it, for one test class. Its clients hold
 * every answer to the OpenAPI document command-api serves, so every API test also tests the contract.
 */
final class TestApp implements AutoCloseable {
    static final OpenApiContract CONTRACT = OpenApiContract.load("openapi/command-api.json");

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
        return http(app);
    }

    /** A client of any command-api app that checks every answer against the OpenAPI document. */
    static JsonHttp http(Javalin app) {
        return new JsonHttp("http://127.0.0.1:" + app.port()).checkedBy((method, path, response) ->
                CONTRACT.check(method, path, response.status(), response.headers(), response.body()));
    }

    Javalin javalin() {
        return app;
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
