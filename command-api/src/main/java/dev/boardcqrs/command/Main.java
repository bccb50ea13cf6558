package dev.boardcqrs.command;

import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.common.auth.HmacTokenIssuer;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.process.GracefulShutdown;
import dev.boardcqrs.common.redis.RedisClients;
import io.javalin.Javalin;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/** Runs command-api against the database named by the environment. Only wiring lives here. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    /**
     * {@code command-api} serves; {@code command-api token USER_ID} prints a bearer token for that user,
     * signed with JWT_SECRET (with JWT_ISSUER and JWT_AUDIENCE when they are set) and valid for JWT_TOKEN_TTL.
     */
    public static void main(String[] args) {
        CommandApiConfig config = Env.loadOrExit("command-api", CommandApiConfig::fromEnv);
        if (args.length > 0) {
            printToken(config, args);
            return;
        }
        HikariDataSource pool = Database.pool(config.databaseUrl(), config.databaseUser(),
                config.databasePassword(), config.poolSize(), config.connectionTimeout());
        UnifiedJedis redis = RedisClients.connect(config.redisUrl());
        Javalin app = CommandApp.create(config, pool, redis).start();
        // HTTP first: once it has stopped serving, it backs up every unsaved view counter; then the clients it used
        GracefulShutdown.install("command-api", () -> {
            app.stop();
            redis.close();
            pool.close();
        });
        log.info("command-api http://{}:{} writing to {}", config.host(), app.port(), Env.redacted(config.databaseUrl()));
    }

    private static void printToken(CommandApiConfig config, String[] args) {
        if (args.length != 2 || !"token".equals(args[0]) || !args[1].matches("[1-9]\\d{0,17}")) {
            System.err.println("usage: command-api token USER_ID   (USER_ID a positive integer)");
            System.exit(2);
        }
        if (config.jwt().secret() == null) {
            System.err.println("command-api: the token command signs with JWT_SECRET; set it (an identity provider "
                    + "issues the tokens for JWT_JWKS_URL)");
            System.exit(2);
        }
        HmacTokenIssuer tokens = new HmacTokenIssuer(config.jwt(), Clock.systemUTC());
        System.out.println(tokens.issue(args[1], config.tokenTtl()));
    }
}
