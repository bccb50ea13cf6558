package dev.boardcqrs.command.article;

import static dev.boardcqrs.command.db.Rows.now;

import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.command.db.Rows;
import dev.boardcqrs.common.source.Timestamps;
import dev.boardcqrs.common.web.ApiException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;

/** Writes articles with plain SQL. This is a service: it knows nothing of HTTP. */
public final class ArticleService {
    public static final int MAX_TITLE_CHARACTERS = 200;
    public static final int MAX_CONTENT_BYTES = 64 * 1024;

    private final Database database;

    public ArticleService(Database database) {
        this.database = database;
    }

    public Article create(long boardId, long writerId, String title, String content) {
        LocalDateTime now = now();
        return database.inTransaction(connection -> {
            long id = Rows.insert(connection,
                    "INSERT INTO article (board_id, writer_id, title, content, created_at, modified_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?)",
                    boardId, writerId, title, content, now, now);
            return new Article(id, boardId, writerId, title, content, Timestamps.format(now), Timestamps.format(now));
        });
    }

    /** Changes title and content; only the article's writer may. */
    public Article update(long articleId, long userId, String title, String content) {
        return database.inTransaction(connection -> {
            lockAsWriter(connection, articleId, userId);
            Rows.update(connection, "UPDATE article SET title = ?, content = ?, modified_at = ? WHERE article_id = ?",
                    title, content, now(), articleId);
            return read(connection, articleId);
        });
    }

    /**
     * Deletes the article with its comments, likes and view count backup in one transaction; only the
     * article's writer may.
     */
    public void delete(long articleId, long userId) {
        database.inTransaction(connection -> {
            lockAsWriter(connection, articleId, userId);
            Rows.update(connection, "DELETE FROM article_like WHERE article_id = ?", articleId);
            Rows.update(connection, "DELETE FROM comment WHERE article_id = ?", articleId);
            Rows.update(connection, "DELETE FROM article_view_count WHERE article_id = ?", articleId);
            Rows.update(connection, "DELETE FROM article WHERE article_id = ?", articleId);
            return null;
        });
    }

    /**
     * Locks the article row against deletion until the caller's transaction ends, so a comment or like is
     * never added to an article that is being deleted. Throws 404 when there is no such article.
     */
    public static void lockShared(Connection connection, long articleId) throws SQLException {
        if (!Rows.exists(connection, "SELECT 1 FROM article WHERE article_id = ? LOCK IN SHARE MODE", articleId)) {
            throw notFound(articleId);
        }
    }

    private static void lockAsWriter(Connection connection, long articleId, long userId) throws SQLException {
        Long writerId = Rows.writerForUpdate(connection, "article", "article_id", articleId);
        if (writerId == null) {
            throw notFound(articleId);
        }
        if (writerId != userId) {
            throw ApiException.forbidden("only the writer of article " + articleId + " may change it");
        }
    }

    private static Article read(Connection connection, long articleId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT article_id, board_id, writer_id, title, content, created_at, modified_at "
                        + "FROM article WHERE article_id = ?")) {
            statement.setLong(1, articleId);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    throw notFound(articleId);
                }
                return new Article(rs.getLong("article_id"), rs.getLong("board_id"), rs.getLong("writer_id"),
                        rs.getString("title"), rs.getString("content"),
                        Rows.time(rs, "created_at"), Rows.time(rs, "modified_at"));
            }
        }
    }

    private static ApiException notFound(long articleId) {
        return ApiException.notFound("article " + articleId + " does not exist");
    }
}
