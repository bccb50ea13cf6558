package dev.boardcqrs.query;

import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.process.GracefulShutdown;
import dev.boardcqrs.common.redis.RedisClients;
import dev.boardcqrs.query.catalog.SqlCatalogSource;
import dev.boardcqrs.query.readthrough.QueryDatabase;
import dev.boardcqrs.query.readthrough.SqlArticleSource;
import io.javalin.Javalin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/** Runs query-api against the Redis named by the environment. Only wiring lives here. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        QueryApiConfig config = Env.loadOrExit("query-api", QueryApiConfig::fromEnv);
        UnifiedJedis redis = RedisClients.connect(config.redisUrl(), config.redisPoolSize());
        HikariDataSource database = QueryDatabase.pool(config);
        Javalin app = QueryApp.create(config, redis, new SqlArticleSource(database, config.readThroughTimeout()),
                new SqlCatalogSource(database, config.readThroughTimeout())).start();
        GracefulShutdown.install("query-api", () -> {
            app.stop();
            redis.close();
            database.close();
        });
        log.info("query-api http://{}:{} reading {}", config.host(), app.port(), config);
    }
}
