package dev.boardcqrs.query;

import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.web.OpenApiContract;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.query.readthrough.QueryDatabase;
import dev.boardcqrs.query.readthrough.SqlArticleSource;
import io.javalin.Javalin;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * A running query-api for tests, reading through to the shared test database, with clients that hold every answer
 * to query-api's OpenAPI document.
 */
final class TestQueryApp implements AutoCloseable {
    static final OpenApiContract CONTRACT = OpenApiContract.load("openapi/query-api.json");

    private final HikariDataSource database;
    private final Javalin app;
    private RedisClient ownRedis; // closed with the app when it was made for it

    private TestQueryApp(HikariDataSource database, Javalin app) {
        this.database = database;
        this.app = app;
    }

    /** On the shared Redis, with a client of its own; {@link #redis()} gives it. */
    static TestQueryApp start(Map<String, String> settings) {
        RedisClient redis = RedisClient.create(URI.create(SharedServers.redis().url()));
        TestQueryApp app = start(redis, settings);
        app.ownRedis = redis;
        return app;
    }

    /** {@code settings}: query-api's variables on top of a free port and the shared database. */
    static TestQueryApp start(UnifiedJedis redis, Map<String, String> settings) {
        Map<String, String> variables = new HashMap<>(Map.of("QUERY_API_PORT", "0",
                "QUERY_DATABASE_URL", SharedServers.database().jdbcUrl()));
        variables.putAll(settings);
        QueryApiConfig config = QueryApiConfig.fromEnv(new Env(variables));
        HikariDataSource database = QueryDatabase.pool(config);
        return new TestQueryApp(database,
                QueryApp.create(config, redis, new SqlArticleSource(database, Duration.ofSeconds(2))).start());
    }

    /** A client of any query-api app that checks every answer against the OpenAPI document. */
    static JsonHttp http(Javalin app) {
        return new JsonHttp("http://127.0.0.1:" + app.port()).checkedBy((method, path, response) ->
                CONTRACT.check(method, path, response.status(), response.headers(), response.body()));
    }

    JsonHttp http() {
        return http(app);
    }

    /** The routes of its router, as {@link OpenApiContract#operations()} names operations. */
    Set<String> routes() {
        return OpenApiContract.routesOf(app);
    }

    /** The read-through's pool, for more apps on the same database. */
    HikariDataSource database() {
        return database;
    }

    RedisClient redis() {
        return ownRedis;
    }

    @Override
    public void close() {
        app.stop();
        database.close();
        if (ownRedis != null) {
            ownRedis.close();
        }
    }
}
