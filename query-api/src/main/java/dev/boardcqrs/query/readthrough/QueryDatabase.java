package dev.boardcqrs.query.readthrough;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.query.QueryApiConfig;

/** The read-only pool of the read-through: as many connections as reads may run at once, short waits. */
public final class QueryDatabase {
    private QueryDatabase() {
    }

    public static HikariDataSource pool(QueryApiConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("query-db");
        hikari.setJdbcUrl(config.databaseUrl());
        hikari.setUsername(config.databaseUser());
        hikari.setPassword(config.databasePassword());
        hikari.setMaximumPoolSize(config.readThroughConcurrency());
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(Math.max(250, config.readThroughTimeout().toMillis()));
        hikari.setConnectionInitSql("SET time_zone = '+00:00'");
        hikari.setAutoCommit(false);
        hikari.setReadOnly(true);
        // Redis answers most reads: start even when the database is down, and fail per read-through instead
        hikari.setInitializationFailTimeout(-1);
        return new HikariDataSource(hikari);
    }
}
