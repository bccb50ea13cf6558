package dev.boardcqrs.launcher;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.command.CommandApiConfig;
import dev.boardcqrs.command.CommandApp;
import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.common.auth.HmacTokenIssuer;
import dev.boardcqrs.common.auth.JwtSettings;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.embedded.DatabaseKind;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.EmbeddedKafka;
import dev.boardcqrs.embedded.EmbeddedKafkaConnect;
import dev.boardcqrs.embedded.EmbeddedRedis;
import dev.boardcqrs.embedded.EmbeddedRedisCluster;
import dev.boardcqrs.embedded.EmbeddedSearch;
import dev.boardcqrs.common.search.SearchSettings;
import dev.boardcqrs.projector.Projector;
import dev.boardcqrs.projector.apply.ProjectorStatus;
import dev.boardcqrs.projector.ProjectorConfig;
import dev.boardcqrs.projector.ReadModels;
import dev.boardcqrs.projector.source.debezium.ServerKind;
import dev.boardcqrs.projector.source.kafka.ConnectorConfig;
import dev.boardcqrs.query.QueryApiConfig;
import dev.boardcqrs.query.QueryApp;
import dev.boardcqrs.query.readthrough.QueryDatabase;
import dev.boardcqrs.query.catalog.SqlCatalogSource;
import dev.boardcqrs.query.readthrough.SqlArticleSource;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.boardcqrs.common.redis.RedisClients;
import redis.clients.jedis.UnifiedJedis;

/**
 * The whole stack in one JVM: an embedded database (MariaDB, or MySQL with EMBEDDED_DATABASE=mysql) and Redis,
 * then command-api, cdc-projector and query-api built exactly as their own mains build them, configured by the
 * same environment variables except that the database and Redis are the embedded ones. With SEARCH_ENABLED=true and
 * no SEARCH_URL it starts an embedded OpenSearch node too (the launcher's default; tests that do not search leave it
 * off, as a node costs a JVM of 512 MB and 10 to 50 s). With LAUNCHER_MODE=kafka the changes go the way of issue 18
 * instead: a Kafka broker and a Kafka Connect worker (each a JVM of its own) run the Debezium connector, and two
 * projectors in Kafka mode share its topics as one consumer group.
 */
public final class DevStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DevStack.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final EmbeddedDatabase database;
    private final EmbeddedRedis redisServer; // null with LAUNCHER_MODE=kafka, which runs redisCluster instead
    private final EmbeddedRedisCluster redisCluster;
    private final EmbeddedSearch searchNode; // null: none started here
    private final KafkaServers kafka; // null unless LAUNCHER_MODE=kafka
    private final SearchSettings search;
    private final UnifiedJedis redis;
    private final UnifiedJedis projectorRedis;
    private final HikariDataSource commandPool;
    private final Javalin commandApi;
    private final QueryApi queryApi;
    private final Map<String, String> variables;
    private final ProjectorConfig projectorConfig;
    private final HmacTokenIssuer tokens;
    private final String generatedSecret;
    private final String generatedAdminToken;
    private Projector projector;
    private final Projector secondProjector; // LAUNCHER_MODE=kafka: the consumer group's other instance

    /**
     * The broker and the Connect worker of LAUNCHER_MODE=kafka, stopped together; the benchmark starts them beside an
     * embedded-mode stack too.
     */
    public record KafkaServers(EmbeddedKafka broker, EmbeddedKafkaConnect connect) implements AutoCloseable {
        /** Starts a broker and a Connect worker on it. */
        public static KafkaServers start() {
            EmbeddedKafka broker = EmbeddedKafka.start();
            try {
                return new KafkaServers(broker, EmbeddedKafkaConnect.start(broker));
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
        }

        /**
         * What points a projector at the broker's topics (PROJECTOR_SOURCE=kafka and the bootstrap servers) and at
         * the Connect worker its replay restarts the connector on.
         */
        public Map<String, String> projectorVariables() {
            return Map.of("PROJECTOR_SOURCE", "kafka", "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                    "KAFKA_CONNECT_URL", connect.url());
        }

        /** Registers the connector rendered from {@code config} (as `connector-config` prints it); waits until it runs. */
        public void runConnector(ProjectorConfig config) throws SQLException {
            ServerKind kind = ServerKind.detect(config.databaseUrl(), config.databaseUser(), config.databasePassword());
            connect.run(config.kafka().connectorName(), ConnectorConfig.render(config, config.kafka(), kind,
                    ReadModels.tables(ReadModels.redis(config)), ReadModels.orderingGroups()));
        }

        @Override
        public void close() {
            connect.close();
            broker.close();
        }
    }

    /** A query-api and the database pool of its read-through, stopped together. */
    public record QueryApi(Javalin app, HikariDataSource pool) implements AutoCloseable {
        public int port() {
            return app.port();
        }

        @Override
        public void close() {
            app.stop();
            pool.close();
        }
    }

    private DevStack(EmbeddedDatabase database, EmbeddedRedis redisServer, EmbeddedRedisCluster redisCluster,
                     EmbeddedSearch searchNode, KafkaServers kafka, SearchSettings search, UnifiedJedis redis,
                     UnifiedJedis projectorRedis, HikariDataSource commandPool, Javalin commandApi, QueryApi queryApi,
                     Map<String, String> variables, ProjectorConfig projectorConfig, Projector projector,
                     Projector secondProjector, JwtSettings jwt, String generatedSecret, String generatedAdminToken) {
        this.database = database;
        this.redisServer = redisServer;
        this.redisCluster = redisCluster;
        this.searchNode = searchNode;
        this.kafka = kafka;
        this.secondProjector = secondProjector;
        this.search = search;
        this.redis = redis;
        this.projectorRedis = projectorRedis;
        this.commandPool = commandPool;
        this.commandApi = commandApi;
        this.queryApi = queryApi;
        this.variables = Map.copyOf(variables);
        this.projectorConfig = projectorConfig;
        this.projector = projector;
        this.tokens = new HmacTokenIssuer(jwt, Clock.systemUTC());
        this.generatedSecret = generatedSecret;
        this.generatedAdminToken = generatedAdminToken;
    }

    /** Starts everything; {@code environment} holds the same variables the services read (ports, tuning). */
    public static DevStack start(Map<String, String> environment) throws SQLException {
        return start(environment, database -> { });
    }

    /**
     * Starts everything, filling the database with {@code seed} before any service runs, so the projector's
     * first snapshot reads those rows (the benchmark measures that snapshot).
     */
    public static DevStack start(Map<String, String> environment, Seed seed) throws SQLException {
        EmbeddedDatabase database = EmbeddedDatabase.start(databaseKind(environment));
        seed.fill(database);
        return startOn(environment, database);
    }

    /**
     * Starts everything but the database, on a database with the board schema (its binlog on) that is running
     * already: one this stack then stops last, or one of a test's that outlives the stack
     * ({@link dev.boardcqrs.embedded.EmbeddedMariaDb#attach}).
     */
    public static DevStack startOn(Map<String, String> environment, EmbeddedDatabase database) throws SQLException {
        // Kafka mode shows the scaled-out shape: its projectors write to a 3-master Redis Cluster
        boolean kafkaMode = kafkaMode(environment);
        EmbeddedRedis redisServer = kafkaMode ? null : EmbeddedRedis.start();
        EmbeddedRedisCluster redisCluster = kafkaMode ? EmbeddedRedisCluster.start() : null;
        String redisUrl = kafkaMode ? redisCluster.url() : redisServer.url();
        Map<String, String> variables = embedded(environment, database, redisUrl);
        KafkaServers kafka = kafkaMode ? KafkaServers.start() : null;
        if (kafka != null) {
            variables.putAll(kafka.projectorVariables());
        }
        EmbeddedSearch searchNode = null;
        if ("true".equals(variables.get("SEARCH_ENABLED")) && !variables.containsKey("SEARCH_URL")) {
            searchNode = EmbeddedSearch.start();
            variables.put("SEARCH_URL", searchNode.url());
        }
        // a dev stack needs no secret configured: it makes one per run and prints it
        String generatedSecret = variables.containsKey("JWT_SECRET") ? null : randomSecret();
        if (generatedSecret != null) {
            variables.put("JWT_SECRET", generatedSecret);
        }
        // the projector's admin actions need an operator credential: likewise one per run, printed
        String generatedAdminToken = variables.containsKey("PROJECTOR_ADMIN_TOKEN") ? null : randomSecret();
        if (generatedAdminToken != null) {
            variables.put("PROJECTOR_ADMIN_TOKEN", generatedAdminToken);
        }
        Env env = new Env(variables);

        CommandApiConfig commandConfig = CommandApiConfig.fromEnv(env);
        HikariDataSource commandPool = Database.pool(commandConfig.databaseUrl(), commandConfig.databaseUser(),
                commandConfig.databasePassword(), commandConfig.poolSize(), commandConfig.connectionTimeout());
        QueryApiConfig queryConfig = QueryApiConfig.fromEnv(env);
        // one client for command-api and query-api, sized for query-api's readers; the projectors have their own, as
        // their main builds it: with no cap (their lanes hold one connection while they borrow another)
        UnifiedJedis redis = RedisClients.connect(redisUrl, queryConfig.redisPoolSize());
        UnifiedJedis projectorRedis = RedisClients.connectWithoutCap(redisUrl);
        Javalin commandApi = CommandApp.create(commandConfig, commandPool, redis).start();

        ProjectorConfig projectorConfig = ProjectorConfig.fromEnv(env);
        Projector secondProjector = null;
        if (kafka != null) {
            kafka.runConnector(projectorConfig);
            Map<String, String> second = new HashMap<>(variables);
            second.put("PROJECTOR_PORT", "0");
            secondProjector = startProjector(ProjectorConfig.fromEnv(new Env(second)), projectorRedis);
        }
        Projector projector = startProjector(projectorConfig, projectorRedis);

        QueryApi queryApi = startQueryApi(queryConfig, redis);

        return new DevStack(database, redisServer, redisCluster, searchNode, kafka, projectorConfig.search(), redis,
                projectorRedis, commandPool, commandApi, queryApi, variables, projectorConfig, projector,
                secondProjector, commandConfig.jwt(), generatedSecret, generatedAdminToken);
    }

    private static QueryApi startQueryApi(QueryApiConfig config, UnifiedJedis redis) {
        HikariDataSource pool = QueryDatabase.pool(config);
        try {
            return new QueryApi(QueryApp.create(config, redis, new SqlArticleSource(pool, config.readThroughTimeout()),
                    new SqlCatalogSource(pool, config.readThroughTimeout())).start(), pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** LAUNCHER_MODE: embedded (the default: the projector runs the Debezium engine) or kafka. */
    static boolean kafkaMode(Map<String, String> environment) {
        return "kafka".equals(new Env(environment).oneOf("LAUNCHER_MODE", "embedded", Set.of("embedded", "kafka")));
    }

    /** EMBEDDED_DATABASE: mariadb (the default) or mysql. */
    static DatabaseKind databaseKind(Map<String, String> environment) {
        String kind = new Env(environment).oneOf("EMBEDDED_DATABASE", DatabaseKind.MARIADB.id(),
                Set.of(DatabaseKind.MARIADB.id(), DatabaseKind.MYSQL.id()));
        return DatabaseKind.parse("EMBEDDED_DATABASE", kind);
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    // "Ready" means the projector's connector is running, so a write made right after the endpoints are
    // printed is not waiting on engine start-up.
    private static Projector startProjector(ProjectorConfig config, UnifiedJedis redis) throws SQLException {
        Projector projector = new Projector(config, redis).start();
        try {
            if (!projector.status().awaitStarted(STARTUP_TIMEOUT)) {
                if (projector.status().state() != ProjectorStatus.State.FAILED) {
                    throw new IllegalStateException("cdc-projector did not start within " + STARTUP_TIMEOUT.toSeconds()
                            + " s");
                }
                // keep it running: its /health says why, and the operator commands (rebuild) need it
                log.error("cdc-projector failed: {}", projector.status().toMap().get("failure"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting cdc-projector", e);
        }
        return projector;
    }

    private static Map<String, String> embedded(Map<String, String> environment, EmbeddedDatabase database,
                                                String redisUrl) {
        Map<String, String> variables = new HashMap<>(environment);
        variables.put("DATABASE_URL", database.jdbcUrl());
        variables.put("DATABASE_USER", EmbeddedDatabase.APP_USER);
        variables.put("DATABASE_PASSWORD", EmbeddedDatabase.APP_PASSWORD);
        variables.put("CDC_DATABASE_USER", EmbeddedDatabase.CDC_USER);
        variables.put("CDC_DATABASE_PASSWORD", EmbeddedDatabase.CDC_PASSWORD);
        variables.put("QUERY_DATABASE_URL", database.jdbcUrl());
        variables.put("QUERY_DATABASE_USER", EmbeddedDatabase.QUERY_USER);
        variables.put("QUERY_DATABASE_PASSWORD", EmbeddedDatabase.QUERY_PASSWORD);
        variables.put("REDIS_URL", redisUrl);
        // the embedded database is new on every start, so its offsets must be too
        Path data = temporaryDirectory();
        variables.put("PROJECTOR_OFFSET_FILE", data.resolve("offsets.dat").toString());
        variables.put("PROJECTOR_SCHEMA_HISTORY_FILE", data.resolve("schema-history.dat").toString());
        return variables;
    }

    private static Path temporaryDirectory() {
        try {
            Path dir = Files.createTempDirectory("board-cqrs-projector");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The lines the README promises, one per endpoint, for people and scripts; then the generated JWT secret and
     * projector admin token (when none was configured) and a token for user 1, so writes can be tried at once.
     */
    public List<String> endpoints() {
        List<String> lines = new ArrayList<>(List.of(
                "command-api http://127.0.0.1:" + commandApi.port(),
                "query-api http://127.0.0.1:" + queryApi.port(),
                "cdc-projector http://127.0.0.1:" + projector.port(),
                "database " + database.jdbcUrl() + "?user=" + EmbeddedDatabase.ROOT_USER,
                "redis " + redisUrl()));
        if (search.enabled()) {
            lines.add("search " + Env.redacted(search.url().toString()));
        }
        if (kafka != null) {
            lines.add("kafka " + kafka.broker().url());
            lines.add("kafka-connect " + kafka.connect().url());
            lines.add("cdc-projector-2 http://127.0.0.1:" + secondProjector.port());
        }
        if (generatedSecret != null) {
            lines.add("jwt-secret " + generatedSecret);
        }
        if (generatedAdminToken != null) {
            lines.add("projector-admin-token " + generatedAdminToken);
        }
        lines.add("token-user-1 " + tokenFor(1));
        return lines;
    }

    /** A bearer token for command-api, valid for an hour. */
    public String tokenFor(long userId) {
        return tokens.issue(Long.toString(userId), Duration.ofHours(1));
    }

    public String commandApiUrl() {
        return "http://127.0.0.1:" + commandApi.port();
    }

    public String queryApiUrl() {
        return "http://127.0.0.1:" + queryApi.port();
    }

    public EmbeddedDatabase database() {
        return database;
    }

    public int redisPort() {
        if (redisServer == null) {
            throw new IllegalStateException("LAUNCHER_MODE=kafka runs a Redis Cluster: " + redisCluster.url());
        }
        return redisServer.port();
    }

    public UnifiedJedis redis() {
        return redis;
    }

    /** REDIS_URL of the stack's Redis: one server, or the cluster's nodes with LAUNCHER_MODE=kafka. */
    public String redisUrl() {
        return redisCluster != null ? redisCluster.url() : redisServer.url();
    }

    /** The ports of the servers that hold keys: the one server, or every master of the cluster. */
    public List<Integer> redisPorts() {
        return redisCluster != null ? redisCluster.ports() : List.of(redisServer.port());
    }

    public ProjectorConfig projectorConfig() {
        return projectorConfig;
    }

    public Projector projector() {
        return projector;
    }

    /** LAUNCHER_MODE=kafka: the consumer group's second projector; else null. */
    public Projector secondProjector() {
        return secondProjector;
    }

    /** Stops the projector (it commits its offsets) and starts a new one that resumes from them. */
    public Projector restartProjector() throws SQLException {
        stopProjector();
        return startProjectorAgain();
    }

    /** Stops the projector; it commits its offsets, so {@link #startProjectorAgain()} resumes from them. */
    public void stopProjector() {
        projector.close();
    }

    /**
     * The projector's settings of this stack (its database, Redis, secrets) with {@code overrides} on top: for another
     * projector beside the stack's, in a namespace of its own, say.
     */
    public ProjectorConfig projectorConfig(Map<String, String> overrides) {
        return ProjectorConfig.fromEnv(new Env(withOverrides(overrides)));
    }

    /**
     * Starts another projector on this stack's Redis, configured as {@link #projectorConfig(Map)} says, and waits as
     * for the stack's own; the caller closes it.
     */
    public Projector startProjector(Map<String, String> overrides) throws SQLException {
        return startProjector(projectorConfig(overrides), projectorRedis);
    }

    /**
     * Starts another query-api on this stack's Redis and database, with the stack's settings and {@code overrides} on
     * top (REDIS_NAMESPACE, to serve another projector's models); the caller closes it.
     */
    public QueryApi startQueryApi(Map<String, String> overrides) {
        return startQueryApi(QueryApiConfig.fromEnv(new Env(withOverrides(overrides))), redis);
    }

    private Map<String, String> withOverrides(Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>(variables);
        merged.putAll(overrides);
        return merged;
    }

    /** Starts a new projector after {@link #stopProjector()}, resuming from the committed offsets. */
    public Projector startProjectorAgain() throws SQLException {
        projector = startProjector(projectorConfig, projectorRedis);
        return projector;
    }

    /** Rows written into the new database before the services start. */
    @FunctionalInterface
    public interface Seed {
        void fill(EmbeddedDatabase database) throws SQLException;
    }

    /**
     * Stops along the data's way: command-api first (it stops taking writes, then backs up its unsaved view
     * counters, which needs Redis and the database), the projector (it applies what is in the binlog and commits
     * its offsets), query-api, then the clients and last the servers they all used.
     */
    @Override
    public void close() {
        commandApi.stop();
        projector.close();
        if (secondProjector != null) {
            secondProjector.close();
        }
        projectorRedis.close();
        queryApi.close();
        commandPool.close();
        redis.close();
        if (redisServer != null) {
            redisServer.close();
        }
        if (redisCluster != null) {
            redisCluster.close();
        }
        if (searchNode != null) {
            searchNode.close();
        }
        if (kafka != null) {
            kafka.close(); // the connector reads the database: before it
        }
        database.close();
    }
}
