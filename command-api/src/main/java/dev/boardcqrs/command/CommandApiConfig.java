package dev.boardcqrs.command;

import dev.boardcqrs.common.config.Env;
import java.time.Duration;

/** Everything command-api can be told, read once from the environment and validated at start-up. */
public record CommandApiConfig(
        String host,
        int port,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        int poolSize,
        Duration connectionTimeout) {

    public static CommandApiConfig fromEnv(Env env) {
        return new CommandApiConfig(
                env.string("COMMAND_API_HOST", "127.0.0.1"),
                env.port("COMMAND_API_PORT", 8081),
                env.string("DATABASE_URL", "jdbc:mariadb://127.0.0.1:3306/board"),
                env.string("DATABASE_USER", "board_app"),
                env.string("DATABASE_PASSWORD", "board_app"),
                env.integer("DATABASE_POOL_SIZE", 10, 1, 200),
                env.duration("DATABASE_CONNECTION_TIMEOUT", Duration.ofSeconds(2)));
    }

    @Override
    public String toString() {
        // never print the password
        return "CommandApiConfig[host=" + host + ", port=" + port + ", databaseUrl=" + databaseUrl
                + ", databaseUser=" + databaseUser + ", poolSize=" + poolSize
                + ", connectionTimeout=" + connectionTimeout + "]";
    }
}
