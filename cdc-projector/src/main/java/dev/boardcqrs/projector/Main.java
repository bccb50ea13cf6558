package dev.boardcqrs.projector;

import dev.boardcqrs.common.logging.Logging;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.process.GracefulShutdown;
import dev.boardcqrs.projector.cli.OperatorCommands;
import dev.boardcqrs.projector.redis.ProjectorRedis;
import java.io.IOException;
import dev.boardcqrs.common.redis.RedisClients;
import java.sql.SQLException;
import redis.clients.jedis.UnifiedJedis;

/** Runs cdc-projector against the database and Redis named by the environment. Only wiring lives here. */
public final class Main {
    private Main() {
    }

    /** No argument: run the projector. {@code status} or {@code rebuild}: an operator command (see README). */
    public static void main(String[] args) {
        Logging.routeJavaUtilLogging();
        ProjectorConfig config = Env.loadOrExit("cdc-projector", ProjectorConfig::fromEnv);
        UnifiedJedis redis = RedisClients.connectWithoutCap(config.redisUrl());
        if (args.length > 0) {
            int exitCode = runCommand(config, redis, args);
            redis.close();
            System.exit(exitCode);
        }
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
        GracefulShutdown.install("cdc-projector", () -> {
            projector.close();
            redis.close();
        });
    }

    private static int runCommand(ProjectorConfig config, UnifiedJedis redis, String[] args) {
        try {
            return new OperatorCommands(config, ProjectorRedis.on(redis), System.out).run(args);
        } catch (IOException e) {
            System.err.println("cdc-projector: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
