package dev.boardcqrs.query.readthrough;

import dev.boardcqrs.common.binlog.BinlogStatus;
import dev.boardcqrs.common.board.ArticleModel;
import dev.boardcqrs.common.consistency.GtidSet;
import dev.boardcqrs.common.source.Positions;
import dev.boardcqrs.common.source.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Reads articles with their counts from MySQL or MariaDB together with the binlog position the read
 * corresponds to, so the projector can skip exactly the changes the read already contains.
 * <ul>
 * <li>MariaDB: a consistent snapshot, whose position the server reports as binlog_snapshot_file/position.</li>
 * <li>MySQL: locking reads (FOR SHARE) hold off every change to the rows read, then the binlog position is
 *     read while the locks are held (SHOW MASTER STATUS before 8.2, SHOW BINARY LOG STATUS after): all changes
 *     before it are in the read, all after it come later.</li>
 * </ul>
 */
public final class SqlArticleSource implements ArticleSource {
    private static final String ARTICLES = "SELECT a.article_id, a.board_id, a.writer_id, a.title, a.content, "
            + "a.created_at, a.modified_at, "
            + "(SELECT COUNT(*) FROM comment c WHERE c.article_id = a.article_id AND c.deleted = FALSE%1$s) AS comment_count, "
            + "(SELECT COUNT(*) FROM article_like l WHERE l.article_id = a.article_id%1$s) AS like_count "
            + "FROM article a WHERE a.article_id IN (%2$s)%1$s";

    private final DataSource dataSource;
    private final int timeoutSeconds;
    private volatile Boolean mariaDb;

    public SqlArticleSource(DataSource dataSource, Duration timeout) {
        this.dataSource = dataSource;
        this.timeoutSeconds = (int) Math.max(1, timeout.toSeconds());
    }

    @Override
    public Snapshot articles(Collection<Long> articleIds) {
        String ids = articleIds.stream().map(String::valueOf).collect(Collectors.joining(","));
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Snapshot snapshot = isMariaDb(connection) ? consistentSnapshot(connection, ids) : lockingRead(connection, ids);
                connection.commit();
                return snapshot;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new SourceUnavailableException(e);
        }
    }

    private Snapshot consistentSnapshot(Connection connection, String ids) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
            String file = null;
            long position = 0;
            try (ResultSet rs = statement.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
                while (rs.next()) {
                    if ("Binlog_snapshot_file".equalsIgnoreCase(rs.getString(1))) {
                        file = rs.getString(2);
                    } else if ("Binlog_snapshot_position".equalsIgnoreCase(rs.getString(1))) {
                        position = Long.parseLong(rs.getString(2));
                    }
                }
            }
            if (file == null || file.isEmpty()) {
                throw new SQLException("the server reports no binlog snapshot position: is the binlog enabled?");
            }
            return new Snapshot(Positions.readAt(file, position), query(connection, String.format(ARTICLES, "", ids)));
        }
    }

    private Snapshot lockingRead(Connection connection, String ids) throws SQLException {
        Map<Long, ArticleModel> articles = query(connection, String.format(ARTICLES, " FOR SHARE", ids));
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(BinlogStatus.statement(connection.getMetaData().getDatabaseProductVersion()))) {
            if (!rs.next()) {
                throw new SQLException("the server reports no binlog position: is the binlog enabled?");
            }
            return new Snapshot(Positions.readAt(rs.getString("File"), rs.getLong("Position")), articles);
        }
    }

    private Map<Long, ArticleModel> query(Connection connection, String sql) throws SQLException {
        Map<Long, ArticleModel> articles = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(timeoutSeconds);
            try (ResultSet rs = statement.executeQuery(sql)) {
                while (rs.next()) {
                    long id = rs.getLong("article_id");
                    articles.put(id, new ArticleModel(id, rs.getLong("board_id"), rs.getLong("writer_id"),
                            rs.getString("title"), rs.getString("content"),
                            Timestamps.format(rs.getObject("created_at", LocalDateTime.class)),
                            Timestamps.format(rs.getObject("modified_at", LocalDateTime.class)),
                            rs.getLong("comment_count"), rs.getLong("like_count")));
                }
            }
        }
        return articles;
    }

    @Override
    public List<Long> articleIds(String column, long owner, long belowId, long offset, int limit) {
        String sql = "SELECT article_id FROM article WHERE " + ownerColumn(column) + " = ? AND article_id < ? "
                + "ORDER BY article_id DESC LIMIT ? OFFSET ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(timeoutSeconds);
            statement.setLong(1, owner);
            statement.setLong(2, belowId);
            statement.setInt(3, limit);
            statement.setLong(4, offset);
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            connection.commit();
            return ids;
        } catch (SQLException e) {
            throw new SourceUnavailableException(e);
        }
    }

    @Override
    public long articleCount(String column, long owner) {
        String sql = "SELECT COUNT(*) FROM article WHERE " + ownerColumn(column) + " = ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(timeoutSeconds);
            statement.setLong(1, owner);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                long count = rs.getLong(1);
                connection.commit();
                return count;
            }
        } catch (SQLException e) {
            throw new SourceUnavailableException(e);
        }
    }

    @Override
    public Map<Long, Long> backedUpViewCounts(Collection<Long> articleIds) {
        if (articleIds.isEmpty()) {
            return Map.of();
        }
        String sql = "SELECT article_id, view_count FROM article_view_count WHERE article_id IN ("
                + articleIds.stream().map(String::valueOf).collect(Collectors.joining(",")) + ")";
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(timeoutSeconds);
            Map<Long, Long> counts = new LinkedHashMap<>();
            try (ResultSet rs = statement.executeQuery(sql)) {
                while (rs.next()) {
                    counts.put(rs.getLong(1), rs.getLong(2));
                }
            }
            connection.commit();
            return counts;
        } catch (SQLException e) {
            throw new SourceUnavailableException(e);
        }
    }

    // a column name cannot be a parameter: it comes from code, and is checked to be a plain name all the same
    private static String ownerColumn(String column) {
        if (!column.matches("[a-z_]{1,64}")) {
            throw new IllegalArgumentException("not a column name: " + column);
        }
        return column;
    }

    /**
     * MariaDB: the servers of each domain in its binlog state, and itself in its own domain; MySQL: the uuids of
     * gtid_executed, and its own uuid. Reading these variables needs no grant.
     */
    @Override
    public List<GtidSet.Origin> origins() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            boolean maria = isMariaDb(connection);
            try (ResultSet rs = statement.executeQuery(maria
                    ? "SELECT @@GLOBAL.gtid_binlog_state, @@GLOBAL.gtid_domain_id, @@GLOBAL.server_id"
                    : "SELECT @@GLOBAL.gtid_executed, @@GLOBAL.server_uuid")) {
                rs.next();
                List<GtidSet.Origin> origins = new ArrayList<>(GtidSet.parse(rs.getString(1)).origins());
                origins.add(maria ? new GtidSet.Origin(Long.toString(rs.getLong(2)), Long.toString(rs.getLong(3)))
                        : new GtidSet.Origin(rs.getString(2).toLowerCase(), rs.getString(2).toLowerCase()));
                connection.commit();
                return origins;
            }
        } catch (SQLException e) {
            throw new SourceUnavailableException(e);
        }
    }

    private boolean isMariaDb(Connection connection) throws SQLException {
        if (mariaDb == null) {
            mariaDb = connection.getMetaData().getDatabaseProductVersion().toLowerCase().contains("mariadb");
        }
        return mariaDb;
    }
}
