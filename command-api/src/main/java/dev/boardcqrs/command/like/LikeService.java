package dev.boardcqrs.command.like;

import static dev.boardcqrs.command.db.Rows.now;

import dev.boardcqrs.command.article.ArticleService;
import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.command.db.DatabaseException;
import dev.boardcqrs.command.db.Rows;
import dev.boardcqrs.common.source.Timestamps;
import dev.boardcqrs.common.web.ApiException;
import java.sql.SQLException;
import java.time.LocalDateTime;

/** Writes likes with plain SQL; the unique key (article_id, user_id) makes a second like a conflict. */
public final class LikeService {
    private final Database database;

    public LikeService(Database database) {
        this.database = database;
    }

    public Like like(long articleId, long userId) {
        LocalDateTime now = now();
        return database.inTransaction(connection -> {
            ArticleService.lockShared(connection, articleId);
            try {
                long id = Rows.insert(connection,
                        "INSERT INTO article_like (article_id, user_id, created_at) VALUES (?, ?, ?)",
                        articleId, userId, now);
                return new Like(id, articleId, userId, Timestamps.format(now));
            } catch (SQLException e) {
                if (DatabaseException.isDuplicateKey(e)) {
                    throw ApiException.conflict("user " + userId + " already likes article " + articleId);
                }
                throw e;
            }
        });
    }

    public void unlike(long articleId, long userId) {
        database.inTransaction(connection -> {
            int deleted = Rows.update(connection,
                    "DELETE FROM article_like WHERE article_id = ? AND user_id = ?", articleId, userId);
            if (deleted == 0) {
                throw ApiException.notFound("user " + userId + " does not like article " + articleId);
            }
            return null;
        });
    }
}
