package dev.boardcqrs.projector.source.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.boardcqrs.common.config.ConfigException;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.projector.ProjectorConfig;
import dev.boardcqrs.projector.ReadModels;
import dev.boardcqrs.projector.generation.Generation;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class EngineSettingsTest {

    @Test
    void shouldPickTheConnectorFromTheServerVersion() {
        assertThat(ServerKind.fromVersion("11.4.5-MariaDB-log")).isEqualTo(ServerKind.MARIADB);
        assertThat(ServerKind.fromVersion("8.4.3")).isEqualTo(ServerKind.MYSQL);
    }

    @Test
    void shouldSplitJdbcUrlsOfBothDrivers() {
        assertThat(JdbcUrl.parse("jdbc:mysql://db.internal:3307/board?useSSL=false"))
                .isEqualTo(new JdbcUrl("db.internal", 3307, "board"));
        assertThat(JdbcUrl.parse("jdbc:mariadb://127.0.0.1/shop")).isEqualTo(new JdbcUrl("127.0.0.1", 3306, "shop"));
        assertThatThrownBy(() -> JdbcUrl.parse("postgres://x/y")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("DATABASE_URL");
    }

    @Test
    void shouldDefaultToALowPollIntervalAndTheTablesOfTheRegisteredReadModels() {
        ProjectorConfig config = config(Map.of("DATABASE_URL", "jdbc:mysql://h:3306/board"));
        Properties props = EngineProperties.of(config, ServerKind.MYSQL, new Generation(1),
                ReadModels.tables(ReadModels.redis(config)));

        assertThat(props.getProperty("poll.interval.ms")).isEqualTo("1");
        // the embedded engine's connector sleeps while the binlog is quiet; Kafka Connect runs Debezium's own
        assertThat(props.getProperty("connector.class")).isEqualTo(QuietMySqlConnector.class.getName());
        assertThat(EngineProperties.connector(config, ServerKind.MYSQL, List.of("article"), 1).getProperty("connector.class"))
                .isEqualTo("io.debezium.connector.mysql.MySqlConnector");
        assertThat(props.getProperty("table.include.list")).isEqualTo("board.article,board.comment,board.article_like,board.catalog,board.product");
        assertThat(props.getProperty("database.hostname")).isEqualTo("h");
    }

    @Test
    void shouldPassDebeziumPrefixedVariablesThroughUntouched() {
        Properties props = EngineProperties.of(config(Map.of(
                "DEBEZIUM_SNAPSHOT_FETCH_SIZE", "5000", "DEBEZIUM_POLL_INTERVAL_MS", "25")), ServerKind.MARIADB,
                new Generation(1), List.of("article"));

        assertThat(props.getProperty("snapshot.fetch.size")).isEqualTo("5000");
        assertThat(props.getProperty("poll.interval.ms")).isEqualTo("25");
    }

    @Test
    void shouldGiveEachGenerationItsOwnOffsetsAndAServerIdDifferentFromTheNextOnes() {
        ProjectorConfig config = config(Map.of("PROJECTOR_OFFSET_FILE", "/var/lib/p/offsets.dat",
                "PROJECTOR_SERVER_ID", "5400"));
        Properties third = EngineProperties.of(config, ServerKind.MARIADB, new Generation(3), List.of("article"));
        Properties fourth = EngineProperties.of(config, ServerKind.MARIADB, new Generation(4), List.of("article"));

        assertThat(third.getProperty("offset.storage.file.filename")).isEqualTo("/var/lib/p/offsets-g3.dat");
        assertThat(fourth.getProperty("offset.storage.file.filename")).isEqualTo("/var/lib/p/offsets-g4.dat");
        assertThat(third.getProperty("schema.history.internal.file.filename"))
                .isNotEqualTo(fourth.getProperty("schema.history.internal.file.filename"));
        // a rebuild's engine runs beside the active one: both read the binlog at once
        assertThat(third.getProperty("database.server.id")).isNotEqualTo(fourth.getProperty("database.server.id"));
        assertThat(third.getProperty("topic.prefix")).isNotEqualTo(fourth.getProperty("topic.prefix"));
    }

    @Test
    void shouldReadOnlyWellFormedGenerationNames() {
        assertThat(Generation.parse("g12")).isEqualTo(new Generation(12));
        assertThat(Generation.parse("g0")).isNull();
        assertThat(Generation.parse("12")).isNull();
        assertThat(Generation.parse(null)).isNull();
    }

    @Test
    void shouldRejectAQueueNoLargerThanTheBatch() {
        assertThatThrownBy(() -> config(Map.of("PROJECTOR_MAX_BATCH_SIZE", "100", "PROJECTOR_MAX_QUEUE_SIZE", "100")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("PROJECTOR_MAX_QUEUE_SIZE");
    }

    private static ProjectorConfig config(Map<String, String> variables) {
        return ProjectorConfig.fromEnv(new Env(variables));
    }
}
