package dev.boardcqrs.bench.data;

import dev.boardcqrs.embedded.SqlNumbers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the board tables with bulk INSERT ... SELECT over {@link SqlNumbers}, 100,000 rows
 * per statement: a million rows take seconds instead of the minutes row-by-row inserts would. The id
 * arithmetic mirrors {@link Dataset#hotId} and {@link Dataset#coldId}; (article, user) pairs of likes are
 * unique by construction. Titles and contents carry words of {@link Vocabulary}, for the search scenario.
 */
public final class Seeder {
    private static final Logger log = LoggerFactory.getLogger(Seeder.class);
    private static final long CHUNK = 100_000;
    private static final long PROGRESS_EVERY_NANOS = 10_000_000_000L;
    /** InnoDB bytes per unit of scale (344 MB of data and indexes at scale 1), with room for the streamed rows. */
    private static final long BUFFER_POOL_PER_SCALE = 512L << 20;
    private static final long DEFAULT_BUFFER_POOL = 128L << 20;
    private final Connection connection;
    private final Dataset data;

    public Seeder(Connection connection, Dataset data) {
        this.connection = connection;
        this.data = data;
    }

    public void seed() throws SQLException {
        long started = System.nanoTime();
        sizeBufferPool();
        chunked("articles", data.articles(), (from, to) -> "INSERT INTO article (article_id, board_id, writer_id, title, content, "
                + "created_at, modified_at) SELECT seq, 1 + (seq - 1) % " + data.boards() + ", 1 + seq % 1000, "
                + Vocabulary.title("seq") + ", " + Vocabulary.content("seq") + ", "
                + "TIMESTAMP'2026-01-01 00:00:00' + INTERVAL seq SECOND, "
                + "TIMESTAMP'2026-01-01 00:00:00' + INTERVAL seq SECOND FROM " + SqlNumbers.rows(from, to));
        long hotComments = data.comments() / 2;
        chunked("comments on hot articles", hotComments, (from, to) -> "INSERT INTO comment (article_id, writer_id, content) SELECT "
                + hot("seq") + ", 1 + seq % 10000, CONCAT('Comment ', seq) FROM " + SqlNumbers.rows(from, to));
        chunked("comments on other articles", data.comments() - hotComments, (from, to) -> "INSERT INTO comment (article_id, writer_id, content) "
                + "SELECT " + cold("seq") + ", 1 + seq % 10000, CONCAT('Comment ', seq) FROM " + SqlNumbers.rows(from, to));
        long hotLikes = data.likes() / 2;
        chunked("likes of hot articles", hotLikes, (from, to) -> "INSERT INTO article_like (article_id, user_id) SELECT " + hot("seq")
                + ", 1 + (seq - 1) DIV " + data.hotArticles() + " FROM " + SqlNumbers.rows(from, to));
        chunked("likes of other articles", data.likes() - hotLikes, (from, to) -> "INSERT INTO article_like (article_id, user_id) SELECT "
                + cold("seq") + ", 1 + (seq - 1) DIV " + data.coldArticles() + " FROM " + SqlNumbers.rows(from, to));
        log.info("seeded {} articles, {} comments, {} likes in {} ms", data.articles(), data.comments(), data.likes(),
                (System.nanoTime() - started) / 1_000_000);
    }

    private String hot(String seq) {
        return "1 + ((" + seq + " - 1) % " + data.hotArticles() + ") * " + Dataset.STRIDE;
    }

    private String cold(String seq) {
        long perBlock = Dataset.STRIDE - 1;
        String index = "((" + seq + " - 1) % " + data.coldArticles() + ")";
        return "(" + index + " DIV " + perBlock + ") * " + Dataset.STRIDE + " + " + index + " % " + perBlock + " + 2";
    }

    /**
     * The embedded server starts with InnoDB's default pool of 128 MB. From scale 1 on the tables outgrow it, and
     * at scale 10 the secondary indexes' random inserts ran at a tenth of scale 1's rows/s, and the snapshot would
     * read its rows through a pool a twentieth of their size. A deployment sizes its pool to its data; so does the
     * benchmark.
     */
    private void sizeBufferPool() throws SQLException {
        long wanted = Math.max(DEFAULT_BUFFER_POOL,
                BUFFER_POOL_PER_SCALE * data.articles() / Dataset.ARTICLES_AT_SCALE_1);
        if (wanted > DEFAULT_BUFFER_POOL) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET GLOBAL innodb_buffer_pool_size = " + wanted);
            }
            log.info("InnoDB buffer pool set to {} MB for the data set", wanted >> 20);
        }
    }

    private void chunked(String what, long rows, ChunkSql sql) throws SQLException {
        long lastReport = System.nanoTime();
        try (Statement statement = connection.createStatement()) {
            for (long from = 1; from <= rows; from += CHUNK) {
                long to = Math.min(rows, from + CHUNK - 1);
                statement.executeUpdate(sql.of(from, to));
                if (System.nanoTime() - lastReport >= PROGRESS_EVERY_NANOS) {
                    log.info("seeding {}: {} of {} rows", what, to, rows);
                    lastReport = System.nanoTime();
                }
            }
        }
    }

    @FunctionalInterface
    private interface ChunkSql {
        String of(long from, long to);
    }
}
