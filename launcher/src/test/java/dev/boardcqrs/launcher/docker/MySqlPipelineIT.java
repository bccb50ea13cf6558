package dev.boardcqrs.launcher.docker;

import static dev.boardcqrs.embedded.JsonHttp.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.command.CommandApiConfig;
import dev.boardcqrs.command.CommandApp;
import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.common.auth.HmacTokenIssuer;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.embedded.JsonHttp;
import dev.boardcqrs.projector.Projector;
import dev.boardcqrs.projector.ProjectorConfig;
import dev.boardcqrs.query.QueryApiConfig;
import dev.boardcqrs.query.QueryApp;
import dev.boardcqrs.query.readthrough.QueryDatabase;
import dev.boardcqrs.query.readthrough.SqlArticleSource;
import io.javalin.Javalin;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.mysql.MySQLContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;
import redis.clients.jedis.RedisClient;

/**
 * The stack on what production runs: MySQL 8.4 (binlog ROW, full row images, GTIDs; schema and users from sql/,
 * as docker-compose sets it up) and Redis 7, in containers. It covers what the embedded MariaDB cannot: the
 * MySQL connector of the projector and query-api's MySQL read-through (locking reads, SHOW BINARY LOG STATUS).
 * Runs with {@code mvn verify -Pdocker}; without a Docker engine it is skipped with a message.
 */
class MySqlPipelineIT {
    private static final Logger log = LoggerFactory.getLogger(MySqlPipelineIT.class);
    private static final Path SQL = Path.of("..", "sql");
    private static final KeyScheme KEYS = new KeyScheme(KeyScheme.DEFAULT_NAMESPACE);

    private static MySQLContainer mysql;
    private static GenericContainer<?> redisContainer;
    private static RedisClient redis;
    private static HikariDataSource commandPool;
    private static HikariDataSource queryPool;
    private static Javalin commandApi;
    private static Javalin queryApi;
    private static Projector projector;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        boolean docker = DockerClientFactory.instance().isDockerAvailable();
        if (!docker) {
            log.warn("No Docker engine: skipping the MySQL 8.4 / Redis 7 container tests (-Pdocker); "
                    + "the embedded MariaDB tests ran as usual");
        }
        Assumptions.assumeTrue(docker, "no Docker engine: MySQL 8.4 / Redis 7 container tests skipped");
        mysql = new MySQLContainer(DockerImageName.parse("mysql:8.4"))
                .withDatabaseName("board")
                .withCommand("--server-id=1", "--log-bin=mysql-bin", "--binlog-format=ROW", "--binlog-row-image=FULL",
                        "--gtid-mode=ON", "--enforce-gtid-consistency=ON")
                .withCopyFileToContainer(MountableFile.forHostPath(SQL.resolve("schema.sql")),
                        "/docker-entrypoint-initdb.d/01-schema.sql")
                .withCopyFileToContainer(MountableFile.forHostPath(SQL.resolve("grants.sql")),
                        "/docker-entrypoint-initdb.d/02-grants.sql")
                .withCopyFileToContainer(MountableFile.forHostPath(SQL.resolve("grants-mysql.sql")),
                        "/docker-entrypoint-initdb.d/03-grants-mysql.sql");
        mysql.start();
        redisContainer = new GenericContainer<>(DockerImageName.parse("redis:7"))
                .withCommand("redis-server", "--appendonly", "yes").withExposedPorts(6379);
        redisContainer.start();

        String databaseUrl = "jdbc:mysql://" + mysql.getHost() + ":" + mysql.getMappedPort(3306) + "/board";
        String redisUrl = "redis://" + redisContainer.getHost() + ":" + redisContainer.getMappedPort(6379);
        Path data = Files.createTempDirectory("projector-mysql");
        Map<String, String> variables = new HashMap<>(Map.of(
                "DATABASE_URL", databaseUrl,
                "QUERY_DATABASE_URL", databaseUrl,
                "REDIS_URL", redisUrl,
                "JWT_SECRET", "a-secret-for-the-container-tests-only-32b",
                "COMMAND_API_PORT", "0",
                "QUERY_API_PORT", "0",
                "PROJECTOR_PORT", "0",
                "PROJECTOR_OFFSET_FILE", data.resolve("offsets.dat").toString(),
                "PROJECTOR_SCHEMA_HISTORY_FILE", data.resolve("history.dat").toString()));
        Env env = new Env(variables);

        CommandApiConfig commandConfig = CommandApiConfig.fromEnv(env);
        redis = RedisClient.create(URI.create(redisUrl));
        commandPool = Database.pool(commandConfig.databaseUrl(), commandConfig.databaseUser(),
                commandConfig.databasePassword(), commandConfig.poolSize(), commandConfig.connectionTimeout());
        commandApi = CommandApp.create(commandConfig, commandPool, redis).start();
        projector = new Projector(ProjectorConfig.fromEnv(env), redis).start();
        assertThat(projector.status().awaitStarted(Duration.ofSeconds(120))).as("projector started on MySQL").isTrue();
        QueryApiConfig queryConfig = QueryApiConfig.fromEnv(env);
        queryPool = QueryDatabase.pool(queryConfig);
        queryApi = QueryApp.create(queryConfig, redis, new SqlArticleSource(queryPool, queryConfig.readThroughTimeout()))
                .start();
        token = new HmacTokenIssuer(commandConfig.jwt(), Clock.systemUTC()).issue("1", Duration.ofHours(1));
    }

    @AfterAll
    static void stop() {
        if (projector != null) {
            projector.close();
        }
        for (Javalin app : new Javalin[] {queryApi, commandApi}) {
            if (app != null) {
                app.stop();
            }
        }
        for (HikariDataSource pool : new HikariDataSource[] {queryPool, commandPool}) {
            if (pool != null) {
                pool.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
        if (redisContainer != null) {
            redisContainer.stop();
        }
        if (mysql != null) {
            mysql.stop();
        }
    }

    @Test
    void shouldCarryCommandApiAndPlainSqlWritesThroughTheMySqlBinlogToQueryApi() throws Exception {
        long articleId = new JsonHttp(url(commandApi)).as(token).post("/articles",
                toJson(Map.of("boardId", 31, "title", "on MySQL", "content", "c"))).json().get("articleId").asLong();
        sqlAsRoot("INSERT INTO comment (article_id, writer_id, content) VALUES (" + articleId + ", 9, 'by hand')");

        JsonHttp query = new JsonHttp(url(queryApi));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var article = query.get("/articles/" + articleId).json();
            assertThat(article.path("title").asText()).isEqualTo("on MySQL");
            assertThat(article.path("commentCount").asLong()).isEqualTo(1);
        });
        assertThat(redis.hget(models().article(articleId), "commentCount")).as("served from the projected model").isEqualTo("1");
        assertThat(projector.status().streamedChanges()).isPositive();
    }

    @Test
    void shouldRebuildAMissingModelFromMySqlWithExactCounts() throws Exception {
        long articleId = new JsonHttp(url(commandApi)).as(token).post("/articles",
                toJson(Map.of("boardId", 32, "title", "read through", "content", "c"))).json().get("articleId").asLong();
        sqlAsRoot("INSERT INTO article_like (article_id, user_id) VALUES (" + articleId + ", 5)");
        await().atMost(Duration.ofSeconds(30)).until(() -> "1".equals(redis.hget(models().article(articleId), "likeCount")));

        redis.del(models().article(articleId)); // expired, or lost
        var article = new JsonHttp(url(queryApi)).get("/articles/" + articleId).json();

        assertThat(article.path("likeCount").asLong()).isEqualTo(1);
        assertThat(redis.hget(models().article(articleId), "_pos")).as("stored with the MySQL binlog position it read at")
                .isNotBlank();
    }

    private static String url(Javalin app) {
        return "http://127.0.0.1:" + app.port();
    }

    private static void sqlAsRoot(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(mysql.getJdbcUrl(), "root", mysql.getPassword());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The keys of the generation readers use now. */
    private static KeyScheme models() {
        return KEYS.activeIn(redis).orElseThrow(() -> new AssertionError("the projector has made no generation yet"));
    }
}
