package dev.boardcqrs.query.readthrough;

import dev.boardcqrs.common.board.ArticleModel;
import dev.boardcqrs.common.consistency.GtidSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Where query-api reads what Redis does not hold: the command database or a replica of it. */
public interface ArticleSource {

    /** Articles with their counts, as of one consistent moment of the database, and the binlog position of it. */
    Snapshot articles(Collection<Long> articleIds);

    /**
     * Ids of the articles whose {@code column} (an owner: "board_id", "writer_id") is {@code owner}, below
     * {@code belowId}, newest first: a keyset read on an index of (column, article_id).
     */
    List<Long> articleIds(String column, long owner, long belowId, long offset, int limit);

    /** How many articles {@code column} names {@code owner} in. */
    long articleCount(String column, long owner);

    /**
     * The origin servers the database knows: those of its GTID state and itself, so a consistency token of another
     * database can be told apart. Empty when it cannot tell.
     */
    default List<GtidSet.Origin> origins() {
        return List.of();
    }

    /**
     * The view counts command-api last backed up of these articles (see its VIEW_BACKUP_EVERY and
     * VIEW_BACKUP_INTERVAL); an article without a backup is absent. The live counts are in Redis.
     */
    Map<Long, Long> backedUpViewCounts(Collection<Long> articleIds);

    /** {@code position} is the sortable binlog position (see Positions) the read corresponds to. */
    record Snapshot(String position, Map<Long, ArticleModel> articles) {
    }
}
