package dev.boardcqrs.command;

import dev.boardcqrs.common.auth.JwtSettings;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.RedisClients;
import dev.boardcqrs.common.config.ConfigException;
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
        Duration connectionTimeout,
        String redisUrl,
        String namespace,
        Duration viewWindow,
        int viewBackupEvery,
        Duration viewBackupInterval,
        JwtSettings jwt,
        Duration tokenTtl) {

    public CommandApiConfig {
        new KeyScheme(namespace); // validates the namespace
        RedisClients.checkUrl(redisUrl);
        if (viewWindow.toMillis() < 1) {
            throw new ConfigException("VIEW_WINDOW must be at least 1ms, but was " + viewWindow);
        }
        if (viewBackupInterval.toMillis() < 1) {
            throw new ConfigException("VIEW_BACKUP_INTERVAL must be at least 1ms, but was " + viewBackupInterval);
        }
    }

    public static CommandApiConfig fromEnv(Env env) {
        return new CommandApiConfig(
                env.string("COMMAND_API_HOST", "127.0.0.1"),
                env.port("COMMAND_API_PORT", 8081),
                env.string("DATABASE_URL", "jdbc:mariadb://127.0.0.1:3306/board"),
                env.string("DATABASE_USER", "board_app"),
                env.string("DATABASE_PASSWORD", "board_app"),
                env.integer("DATABASE_POOL_SIZE", 10, 1, 200),
                env.duration("DATABASE_CONNECTION_TIMEOUT", Duration.ofSeconds(2)),
                env.string("REDIS_URL", "redis://127.0.0.1:6379"),
                env.string("REDIS_NAMESPACE", KeyScheme.DEFAULT_NAMESPACE),
                env.duration("VIEW_WINDOW", Duration.ofMinutes(10)),
                env.integer("VIEW_BACKUP_EVERY", 100, 1, 1_000_000),
                env.duration("VIEW_BACKUP_INTERVAL", Duration.ofSeconds(60)),
                JwtSettings.fromEnv(env),
                env.duration("JWT_TOKEN_TTL", Duration.ofHours(1)));
    }

    @Override
    public String toString() {
        // never print the password or the secret
        return "CommandApiConfig[host=" + host + ", port=" + port + ", databaseUrl=" + Env.redacted(databaseUrl)
                + ", databaseUser=" + databaseUser + ", poolSize=" + poolSize + ", redisUrl=" + Env.redacted(redisUrl)
                + ", namespace=" + namespace + ", viewWindow=" + viewWindow + ", viewBackupEvery=" + viewBackupEvery
                + ", viewBackupInterval=" + viewBackupInterval + ", jwt=" + jwt + ", tokenTtl=" + tokenTtl + "]";
    }
}
