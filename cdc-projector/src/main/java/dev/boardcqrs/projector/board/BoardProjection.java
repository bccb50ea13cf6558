package dev.boardcqrs.projector.board;

import dev.boardcqrs.common.board.ArticleModel;
import dev.boardcqrs.common.board.Timestamps;
import dev.boardcqrs.projector.board.ModelOp.Kind;
import dev.boardcqrs.projector.board.ModelOp.CountChange;
import dev.boardcqrs.projector.board.ModelOp.PutArticle;
import dev.boardcqrs.projector.board.ModelOp.RemoveArticle;
import dev.boardcqrs.projector.catalog.CatalogProjection;
import dev.boardcqrs.projector.change.RowChange;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides, from one row change alone, what happens to the board query models. Every decision depends only
 * on the row's before and after images, so a row written with plain SQL counts like one from command-api.
 */
public final class BoardProjection {
    private final CatalogProjection catalogs = new CatalogProjection();

    public List<ModelOp> plan(RowChange change) {
        return switch (change.table()) {
            case "article" -> article(change);
            case "comment" -> membership(Kind.COMMENT, "comment_id", change, BoardProjection::commentIsLive);
            case "article_like" -> membership(Kind.LIKE, "article_like_id", change, row -> true);
            case "catalog", "product" -> catalogs.plan(change).stream().<ModelOp>map(ModelOp.CatalogChange::new).toList();
            default -> List.of();
        };
    }

    private static List<ModelOp> article(RowChange change) {
        Map<String, Object> after = change.after();
        Map<String, Object> before = change.before();
        if (after == null) {
            return List.of(new RemoveArticle(id(before, "article_id"), id(before, "board_id")));
        }
        long articleId = id(after, "article_id");
        long boardId = id(after, "board_id");
        Long previousBoardId = before == null ? null : id(before, "board_id");
        boolean created = before == null;
        List<ModelOp> ops = new ArrayList<>();
        if (before != null && id(before, "article_id") != articleId) {
            // the primary key itself was changed with plain SQL: the old id is gone, the new one is new
            ops.add(new RemoveArticle(id(before, "article_id"), previousBoardId));
            previousBoardId = null;
            created = true;
        }
        ops.add(new PutArticle(articleId, boardId, previousBoardId, created, ArticleModel.rowFields(
                articleId, boardId, id(after, "writer_id"),
                (String) after.get("title"), (String) after.get("content"),
                time(after, "created_at"), time(after, "modified_at"))));
        return ops;
    }

    /**
     * A comment or like counts on the article named in its row while it is live. An update may move it
     * between articles or make it live or dead, so both images are looked at; an update that changes
     * neither (an edited comment) changes no count.
     */
    private static List<ModelOp> membership(Kind kind, String idColumn, RowChange change,
                                            java.util.function.Predicate<Map<String, Object>> live) {
        Map<String, Object> before = change.before();
        Map<String, Object> after = change.after();
        Member was = before != null && live.test(before) ? new Member(id(before, "article_id"), id(before, idColumn)) : null;
        Member is = after != null && live.test(after) ? new Member(id(after, "article_id"), id(after, idColumn)) : null;
        List<ModelOp> ops = new ArrayList<>(2);
        if (was != null && !was.equals(is)) {
            ops.add(new CountChange(kind, was.articleId(), -1));
        }
        if (is != null && !is.equals(was)) {
            ops.add(new CountChange(kind, is.articleId(), +1));
        }
        return ops;
    }

    private record Member(long articleId, long memberId) {
    }

    private static boolean commentIsLive(Map<String, Object> row) {
        Object deleted = row.get("deleted");
        // BOOLEAN is TINYINT(1): Debezium may hand it over as a boolean or as a number
        return !(Boolean.TRUE.equals(deleted) || (deleted instanceof Number n && n.longValue() != 0));
    }

    private static long id(Map<String, Object> row, String column) {
        Object value = Objects.requireNonNull(row.get(column), () -> "column " + column + " is null");
        return ((Number) value).longValue();
    }

    private static String time(Map<String, Object> row, String column) {
        return Timestamps.format((LocalDateTime) row.get(column));
    }
}
