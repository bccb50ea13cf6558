package dev.boardcqrs.command.comment;

import static dev.boardcqrs.command.db.Rows.now;

import dev.boardcqrs.command.article.ArticleService;
import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.command.db.Rows;
import dev.boardcqrs.common.source.Timestamps;
import dev.boardcqrs.common.web.ApiException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;

/** Writes comments with plain SQL. This is a service: it knows nothing of HTTP. */
public final class CommentService {
    public static final int MAX_CONTENT_BYTES = 64 * 1024;

    private final Database database;

    public CommentService(Database database) {
        this.database = database;
    }

    public Comment create(long articleId, long writerId, String content, Long parentCommentId) {
        LocalDateTime now = now();
        return database.inTransaction(connection -> {
            ArticleService.lockShared(connection, articleId);
            if (parentCommentId != null) {
                requireParentOnArticle(connection, parentCommentId, articleId);
            }
            long id = Rows.insert(connection,
                    "INSERT INTO comment (article_id, parent_comment_id, writer_id, content, created_at) "
                            + "VALUES (?, ?, ?, ?, ?)",
                    articleId, parentCommentId, writerId, content, now);
            return new Comment(id, articleId, parentCommentId, writerId, content, false, Timestamps.format(now));
        });
    }

    /**
     * Deletes a comment; only its writer may. A comment that has replies stays in the thread marked deleted
     * (it no longer counts); one without replies is removed.
     */
    public void delete(long commentId, long userId) {
        database.inTransaction(connection -> {
            Long writerId = Rows.writerForUpdate(connection, "comment", "comment_id", commentId);
            if (writerId == null || Rows.exists(connection,
                    "SELECT 1 FROM comment WHERE comment_id = ? AND deleted = TRUE", commentId)) {
                throw ApiException.notFound("comment " + commentId + " does not exist");
            }
            if (writerId != userId) {
                throw ApiException.forbidden("only the writer of comment " + commentId + " may delete it");
            }
            boolean hasReplies = Rows.exists(connection,
                    "SELECT 1 FROM comment WHERE parent_comment_id = ? LIMIT 1", commentId);
            if (hasReplies) {
                Rows.update(connection, "UPDATE comment SET deleted = TRUE WHERE comment_id = ?", commentId);
            } else {
                Rows.update(connection, "DELETE FROM comment WHERE comment_id = ?", commentId);
            }
            return null;
        });
    }

    private static void requireParentOnArticle(Connection connection, long parentCommentId, long articleId)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT article_id FROM comment WHERE comment_id = ?")) {
            statement.setLong(1, parentCommentId);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next() || rs.getLong(1) != articleId) {
                    throw ApiException.badRequest(
                            "parentCommentId " + parentCommentId + " is not a comment of article " + articleId);
                }
            }
        }
    }
}
