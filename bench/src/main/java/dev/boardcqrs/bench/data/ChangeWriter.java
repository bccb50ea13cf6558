package dev.boardcqrs.bench.data;

import dev.boardcqrs.embedded.SqlNumbers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Writes a given number of row changes to the seeded tables in transactions of 1,000 rows, as a busy
 * application would: half new comments, a quarter new likes, a quarter article updates, spread over all
 * articles. Each call writes different rows, so it can run several times on one data set.
 */
public final class ChangeWriter {
    private static final long CHUNK = 1_000;
    // likes by users the seed never used, so (article, user) stays unique
    private static final long FIRST_USER = 100_000_000;

    private final Connection connection;
    private final Dataset data;
    private long written;

    public ChangeWriter(Connection connection, Dataset data) {
        this.connection = connection;
        this.data = data;
    }

    /** Writes exactly {@code changes} row changes and returns that number. */
    public long write(long changes) throws SQLException {
        long comments = changes / 2;
        long likes = changes / 4;
        long updates = changes - comments - likes;
        long base = written;
        try (Statement statement = connection.createStatement()) {
            for (long from = 1; from <= comments; from += CHUNK) {
                statement.executeUpdate("INSERT INTO comment (article_id, writer_id, content) SELECT "
                        + spread("seq + " + base) + ", 7, CONCAT('Streamed ', seq) FROM " + seq(from, comments));
            }
            for (long from = 1; from <= likes; from += CHUNK) {
                statement.executeUpdate("INSERT INTO article_like (article_id, user_id) SELECT " + spread("seq")
                        + ", " + (FIRST_USER + base) + " + seq FROM " + seq(from, likes));
            }
            for (long from = 1; from <= updates; from += CHUNK) {
                long to = Math.min(updates, from + CHUNK - 1);
                // ids from..to of a rotation through all articles, each row really changed (new title)
                statement.executeUpdate("UPDATE article SET title = CONCAT('Updated ', article_id, ' ', " + base
                        + "), modified_at = modified_at + INTERVAL 1 SECOND WHERE article_id IN (SELECT "
                        + "1 + (seq + " + base + " - 1) % " + data.articles() + " FROM " + seq(from, updates) + ")");
            }
        }
        written += changes;
        return changes;
    }

    private String spread(String seq) {
        return "1 + ((" + seq + ") * 7919) % " + data.articles();
    }

    private static String seq(long from, long last) {
        return SqlNumbers.rows(from, Math.min(last, from + CHUNK - 1));
    }
}
