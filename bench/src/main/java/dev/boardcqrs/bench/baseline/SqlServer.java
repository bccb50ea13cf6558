package dev.boardcqrs.bench.baseline;

import com.zaxxer.hikari.HikariDataSource;
import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.common.source.Timestamps;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What query-api replaces: the same answers computed by SQL on the command database for every request, one
 * SELECT with COUNT subqueries per article (the cheapest correct SQL: a join of comments and likes would
 * multiply rows) through a HikariCP pool built like command-api's.
 */
public final class SqlServer implements AutoCloseable {
    private static final String COLUMNS = "a.article_id, a.board_id, a.writer_id, a.title, a.content, a.created_at, "
            + "a.modified_at, (SELECT COUNT(*) FROM comment c WHERE c.article_id = a.article_id AND c.deleted = FALSE) "
            + "AS comment_count, (SELECT COUNT(*) FROM article_like l WHERE l.article_id = a.article_id) AS like_count";
    private static final int POOL_SIZE = 10;

    private final HikariDataSource pool;
    private final Javalin app;

    public SqlServer(String jdbcUrl, String user, String password) {
        this.pool = Database.pool(jdbcUrl, user, password, POOL_SIZE, Duration.ofSeconds(5));
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            config.routes.get("/articles/{articleId}", this::article);
            config.routes.get("/boards/{boardId}/articles", this::page);
        }).start();
    }

    private void article(Context ctx) throws SQLException {
        long articleId = Long.parseLong(ctx.pathParam("articleId"));
        List<Map<String, Object>> found = query("SELECT " + COLUMNS + " FROM article a WHERE a.article_id = ?", articleId);
        if (found.isEmpty()) {
            throw new NotFoundResponse("article " + articleId + " does not exist");
        }
        ctx.json(found.get(0));
    }

    private void page(Context ctx) throws SQLException {
        long boardId = Long.parseLong(ctx.pathParam("boardId"));
        List<Map<String, Object>> articles = query("SELECT " + COLUMNS + " FROM article a WHERE a.board_id = ? "
                + "ORDER BY a.article_id DESC LIMIT 20", boardId);
        long count = (Long) query("SELECT COUNT(*) AS article_count FROM article WHERE board_id = ?", boardId)
                .get(0).get("article_count");
        ctx.json(Map.of("articles", articles, "articleCount", count));
    }

    private List<Map<String, Object>> query(String sql, long id) throws SQLException {
        try (Connection connection = pool.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, id);
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(rs));
                }
            }
            connection.commit();
            return rows;
        }
    }

    private static Map<String, Object> row(ResultSet rs) throws SQLException {
        Map<String, Object> row = new LinkedHashMap<>();
        int columns = rs.getMetaData().getColumnCount();
        for (int i = 1; i <= columns; i++) {
            String name = rs.getMetaData().getColumnLabel(i);
            Object value = rs.getObject(i);
            row.put(name, value instanceof Timestamp time ? Timestamps.format(time.toLocalDateTime()) : value);
        }
        return row;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
        pool.close();
    }
}
