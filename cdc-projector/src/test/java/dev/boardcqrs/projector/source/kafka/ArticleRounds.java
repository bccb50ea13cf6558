package dev.boardcqrs.projector.source.kafka;

import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.EmbeddedKafkaConnect;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.ProjectorConfig;
import dev.boardcqrs.projector.ReadModels;
import dev.boardcqrs.projector.source.debezium.ServerKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the Kafka-mode tests share: the connector rendered from the projector's settings, run on the shared Connect
 * worker, and rounds of plain-SQL writes with every kind of change an article's partition carries.
 */
final class ArticleRounds {
    private ArticleRounds() {
    }

    /** Runs the connector {@code config} renders, named {@code name}, on the shared worker; answers the worker. */
    static EmbeddedKafkaConnect runConnector(EmbeddedDatabase database, ProjectorConfig config, String name)
            throws Exception {
        ServerKind kind = ServerKind.detect(database.jdbcUrl(), config.databaseUser(), config.databasePassword());
        Map<String, String> settings = new HashMap<>(ConnectorConfig.render(config, config.kafka(), kind,
                ReadModels.tables(ReadModels.redis(config)), ReadModels.orderingGroups()));
        settings.put("name", name);
        EmbeddedKafkaConnect connect = SharedServers.kafkaConnect();
        connect.run(name, settings);
        return connect;
    }

    /**
     * One round: an article on each of {@code boards} boards from {@code firstBoard} (by writers from
     * {@code firstWriter}), comments and likes on each, a deleted comment and a deleted like, an edited title, an
     * article moved to the first board, a deleted article.
     */
    static void write(EmbeddedDatabase database, int round, long firstBoard, int boards, long firstWriter)
            throws Exception {
        List<Long> written = new ArrayList<>();
        for (int board = 0; board < boards; board++) {
            written.add(database.insert("INSERT INTO article (board_id, writer_id, title, content) VALUES (?, ?, ?, ?)",
                    firstBoard + board, firstWriter + board, "round " + round, "content"));
        }
        for (long article : written) {
            database.insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 50, 'one')", article);
            long comment = database.insert("INSERT INTO comment (article_id, writer_id, content) VALUES (?, 51, 'two')",
                    article);
            database.insert("INSERT INTO article_like (article_id, user_id) VALUES (?, 60)", article);
            long like = database.insert("INSERT INTO article_like (article_id, user_id) VALUES (?, 61)", article);
            database.execute("UPDATE comment SET deleted = TRUE WHERE comment_id = ?", comment);
            database.execute("DELETE FROM article_like WHERE article_like_id = ?", like);
        }
        database.execute("UPDATE article SET title = ? WHERE article_id = ?", "edited " + round, written.get(0));
        database.execute("UPDATE article SET board_id = ? WHERE article_id = ?", firstBoard, written.get(1));
        database.execute("DELETE FROM article WHERE article_id = ?", written.get(2));
    }
}
