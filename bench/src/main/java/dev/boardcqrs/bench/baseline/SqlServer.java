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
 * multiply rows) through a HikariCP pool built like command-api's. For the search scenario it also answers a
 * keyword search as GET /search/articles?sort=recent does (the newest 20 matching articles and how many match), by
 * {@code LIKE '%word%'} on title and content ({@code /search/like?q=}) and by InnoDB FULLTEXT
 * ({@code /search/fulltext?q=}, which needs the index {@link #FULLTEXT_INDEX} the scenario adds).
 */
public final class SqlServer implements AutoCloseable {
    private static final String COLUMNS = "a.article_id, a.board_id, a.writer_id, a.title, a.content, a.created_at, "
            + "a.modified_at, (SELECT COUNT(*) FROM comment c WHERE c.article_id = a.article_id AND c.deleted = FALSE) "
            + "AS comment_count, (SELECT COUNT(*) FROM article_like l WHERE l.article_id = a.article_id) AS like_count";
    private static final int POOL_SIZE = 10;
    public static final String FULLTEXT_INDEX = "ft_article_bench";
    private static final String LIKE = "a.title LIKE ? OR a.content LIKE ?";
    private static final String MATCH = "MATCH (a.title, a.content) AGAINST (? IN BOOLEAN MODE)";

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
            config.routes.get("/search/like", ctx -> {
                String pattern = "%" + ctx.queryParam("q") + "%";
                search(ctx, LIKE, pattern, pattern);
            });
            config.routes.get("/search/fulltext", ctx -> search(ctx, MATCH, "+" + ctx.queryParam("q")));
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

    // newest first by id, which is creation order in the seeded data: the cheapest order SQL can give (the primary
    // key), and the total needs every match anyway, as the engine's track_total_hits does
    private void search(Context ctx, String condition, Object... parameters) throws SQLException {
        List<Map<String, Object>> articles = query("SELECT " + COLUMNS + " FROM article a WHERE " + condition
                + " ORDER BY a.article_id DESC LIMIT 20", parameters);
        Object total = query("SELECT COUNT(*) AS total FROM article a WHERE " + condition, parameters).get(0)
                .get("total");
        ctx.json(Map.of("articles", articles, "total", total));
    }

    private List<Map<String, Object>> query(String sql, Object... parameters) throws SQLException {
        try (Connection connection = pool.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
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
