package dev.boardcqrs.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.boardcqrs.common.board.ArticleModel;
import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.source.Timestamps;
import dev.boardcqrs.common.writer.WriterKeys;
import dev.boardcqrs.embedded.EmbeddedDatabase;
import dev.boardcqrs.embedded.JsonHttp;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The convergence tests' judge: what SQL holds of the boards and writers {@link RandomWrites} writes to, and where
 * the query models in Redis, and what query-api answers, differ from it. An empty list of differences means they
 * agree.
 */
final class SqlTruth {
    private final EmbeddedDatabase database;
    private final ModelRedis redis;
    private final KeyScheme namespace;
    private final int listLength;

    /** {@code listLength}: BOARD_LIST_LENGTH, how many of the newest articles a board's list holds. */
    SqlTruth(EmbeddedDatabase database, ModelRedis redis, KeyScheme namespace, int listLength) {
        this.database = database;
        this.redis = redis;
        this.namespace = namespace;
        this.listLength = listLength;
    }

    /** Every article model, board and writer count and list in Redis compared with SQL, and no generation building. */
    List<String> modelDifferences() throws SQLException {
        List<String> differences = new ArrayList<>();
        Map<Long, ArticleModel> truth = articles();
        BoardKeys boardKeys = BoardKeys.in(generation());
        for (String key : redis.keys(boardKeys.articlePrefix() + "*")) {
            if (!key.matches(".*:article:\\d+")) {
                continue;
            }
            ArticleModel model = ArticleModel.fromHash(redis.client().hgetAll(key));
            if (model == null) {
                differences.add(key + " is a partial model");
                continue;
            }
            ArticleModel expected = truth.get(model.articleId());
            if (!model.equals(expected)) {
                differences.add(key + ": " + model + " but SQL has " + expected);
            }
        }
        for (long board : RandomWrites.BOARDS) {
            differences.addAll(listDifferences("board " + board, "board_id = " + board,
                    redis.client().hget(boardKeys.board(board), "count"), boardKeys.boardArticles(board)));
        }
        WriterKeys writerKeys = WriterKeys.in(generation());
        for (long writer : RandomWrites.WRITERS) {
            differences.addAll(listDifferences("writer " + writer, "writer_id = " + writer,
                    redis.client().hget(writerKeys.writer(writer), "count"), writerKeys.writerArticles(writer)));
        }
        String building = redis.client().hget(generation().meta(), "building");
        if (building != null && !"0".equals(building)) {
            differences.add("still building");
        }
        return differences;
    }

    /**
     * An owner's count and list of newest articles (a board's, a writer's) in Redis compared with SQL: the count, when
     * there is one, equals the owner's articles, and the list holds the newest of them without gaps.
     */
    private List<String> listDifferences(String owner, String where, String storedCount, String listKey)
            throws SQLException {
        List<String> differences = new ArrayList<>();
        long count = database.ids("SELECT article_id FROM article WHERE " + where).size();
        if (storedCount != null && Long.parseLong(storedCount) != count) {
            differences.add(owner + " count " + storedCount + " but SQL has " + count);
        }
        List<Long> newest = database.ids("SELECT article_id FROM article WHERE " + where
                + " ORDER BY article_id DESC LIMIT " + listLength);
        List<Long> listed = redis.client().zrevrange(listKey, 0, -1).stream().map(Long::valueOf).toList();
        if (!newest.subList(0, Math.min(listed.size(), newest.size())).equals(listed)) {
            differences.add(owner + " lists " + listed + " but the newest are " + newest);
        }
        return differences;
    }

    /** What a reader sees: every article, every board's pages and every writer's list, compared with SQL. */
    List<String> queryApiDifferences(JsonHttp query) throws SQLException {
        List<String> differences = new ArrayList<>();
        for (ArticleModel expected : articles().values()) {
            JsonNode answer = query.get("/articles/" + expected.articleId()).json();
            if (answer.path("commentCount").asLong(-1) != expected.commentCount()
                    || answer.path("likeCount").asLong(-1) != expected.likeCount()
                    || !expected.title().equals(answer.path("title").asText())
                    || answer.path("boardId").asLong() != expected.boardId()) {
                differences.add("GET /articles/" + expected.articleId() + " " + answer + " but SQL has " + expected);
            }
        }
        for (long board : RandomWrites.BOARDS) {
            List<Long> all = database.ids("SELECT article_id FROM article WHERE board_id = " + board
                    + " ORDER BY article_id DESC");
            List<Long> paged = new ArrayList<>();
            for (int page = 1; page <= all.size() / 5 + 1; page++) {
                query.get("/boards/" + board + "/articles?page=" + page + "&pageSize=5").json().get("articles")
                        .forEach(a -> paged.add(a.get("articleId").asLong()));
            }
            if (!paged.equals(all)) {
                differences.add("board " + board + " pages " + paged + " but SQL has " + all);
            }
        }
        for (long writer : RandomWrites.WRITERS) {
            List<Long> all = database.ids("SELECT article_id FROM article WHERE writer_id = " + writer
                    + " ORDER BY article_id DESC");
            List<Long> scrolled = new ArrayList<>();
            JsonNode page = query.get("/users/" + writer + "/articles?pageSize=5").json();
            long count = page.path("articleCount").asLong(-1);
            while (!page.get("articles").isEmpty() && scrolled.size() <= all.size()) {
                page.get("articles").forEach(a -> scrolled.add(a.get("articleId").asLong()));
                page = query.get("/users/" + writer + "/articles?pageSize=5&lastArticleId="
                        + scrolled.get(scrolled.size() - 1)).json();
            }
            if (!scrolled.equals(all) || count != all.size()) {
                differences.add("writer " + writer + " scrolls " + scrolled + " (articleCount " + count
                        + ") but SQL has " + all);
            }
        }
        return differences;
    }

    /** Every article as SQL has it, with its live comments and its likes counted, by id. */
    Map<Long, ArticleModel> articles() throws SQLException {
        Map<Long, ArticleModel> truth = new LinkedHashMap<>();
        String sql = "SELECT a.article_id, a.board_id, a.writer_id, a.title, a.content, a.created_at, a.modified_at, "
                + "(SELECT COUNT(*) FROM comment c WHERE c.article_id = a.article_id AND c.deleted = FALSE), "
                + "(SELECT COUNT(*) FROM article_like l WHERE l.article_id = a.article_id) FROM article a";
        try (Connection connection = database.connectAsRoot(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                truth.put(rs.getLong(1), new ArticleModel(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
                        rs.getString(5), Timestamps.format(rs.getObject(6, LocalDateTime.class)),
                        Timestamps.format(rs.getObject(7, LocalDateTime.class)),
                        rs.getLong(8), rs.getLong(9)));
            }
        }
        return truth;
    }

    /** The keys of the generation readers use now. */
    KeyScheme generation() {
        return namespace.activeIn(redis.client())
                .orElseThrow(() -> new AssertionError("the projector has made no generation yet"));
    }
}
