package dev.boardcqrs.command;

import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.common.config.Env;
import io.javalin.Javalin;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/** Runs command-api against the database named by the environment. Only wiring lives here. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        CommandApiConfig config = Env.loadOrExit("command-api", CommandApiConfig::fromEnv);
        HikariDataSource pool = Database.pool(config.databaseUrl(), config.databaseUser(),
                config.databasePassword(), config.poolSize(), config.connectionTimeout());
        RedisClient redis = RedisClient.create(URI.create(config.redisUrl()));
        Javalin app = CommandApp.create(config, pool, redis).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.stop();
            redis.close();
            pool.close();
        }, "command-api-shutdown"));
        log.info("command-api http://{}:{} writing to {}", config.host(), app.port(), config.databaseUrl());
    }
}
