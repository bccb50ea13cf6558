package dev.boardcqrs.query.readthrough;

import dev.boardcqrs.common.board.ArticleModel;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Where query-api reads what Redis does not hold: the command database or a replica of it. */
public interface ArticleSource {

    /** Articles with their counts, as of one consistent moment of the database, and the binlog position of it. */
    Snapshot articles(Collection<Long> articleIds);

    /** Ids of a board's articles below {@code belowId}, newest first (keyset on (board_id, article_id)). */
    List<Long> boardArticleIds(long boardId, long belowId, long offset, int limit);

    long boardArticleCount(long boardId);

    /** {@code position} is the sortable binlog position (see Positions) the read corresponds to. */
    record Snapshot(String position, Map<Long, ArticleModel> articles) {
    }
}
