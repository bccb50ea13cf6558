package dev.boardcqrs.command.view;

import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.command.db.Rows;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** The MySQL backup of the view counters. A stored count is never lowered. */
public final class ViewBackupStore {
    private final Database database;

    public ViewBackupStore(Database database) {
        this.database = database;
    }

    /** Stores {@code count} unless a count at least as high is stored already (another instance, a late timer). */
    public void save(long articleId, long count) {
        database.inTransaction(connection -> {
            int raised = Rows.update(connection,
                    "UPDATE article_view_count SET view_count = ? WHERE article_id = ? AND view_count < ?",
                    count, articleId, count);
            if (raised == 0) {
                Rows.update(connection,
                        "INSERT IGNORE INTO article_view_count (article_id, view_count) VALUES (?, ?)", articleId, count);
            }
            return null;
        });
    }

    public long read(long articleId) {
        return database.inTransaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT view_count FROM article_view_count WHERE article_id = ?")) {
                statement.setLong(1, articleId);
                try (ResultSet rs = statement.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }
}
