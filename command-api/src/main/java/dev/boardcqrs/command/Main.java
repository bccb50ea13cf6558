package dev.boardcqrs.command;

import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.common.config.Env;
import io.javalin.Javalin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs command-api against the database named by the environment. Only wiring lives here. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        CommandApiConfig config = Env.loadOrExit("command-api", CommandApiConfig::fromEnv);
        HikariDataSource pool = Database.pool(config.databaseUrl(), config.databaseUser(),
                config.databasePassword(), config.poolSize(), config.connectionTimeout());
        Javalin app = CommandApp.create(config.host(), config.port(), pool).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.stop();
            pool.close();
        }, "command-api-shutdown"));
        log.info("command-api http://{}:{} writing to {}", config.host(), app.port(), config.databaseUrl());
    }
}
