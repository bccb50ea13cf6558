package dev.boardcqrs.projector;

import dev.boardcqrs.common.logging.Logging;
import dev.boardcqrs.common.config.Env;
import java.net.URI;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/** Runs cdc-projector against the database and Redis named by the environment. Only wiring lives here. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        Logging.routeJavaUtilLogging();
        ProjectorConfig config = Env.loadOrExit("cdc-projector", ProjectorConfig::fromEnv);
        RedisClient redis = RedisClient.create(URI.create(config.redisUrl()));
        Projector projector = new Projector(config, redis);
        try {
            projector.start();
        } catch (SQLException e) {
            System.err.println("cdc-projector: cannot reach the database at " + Env.redacted(config.databaseUrl()) + ": " + e.getMessage());
            redis.close();
            System.exit(1);
            return;
        }
        // engine first (finishes its batch and commits), then Redis
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("cdc-projector stopping");
            projector.close();
            redis.close();
        }, "cdc-projector-shutdown"));
    }
}
