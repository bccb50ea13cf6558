package dev.boardcqrs.projector.search;

import dev.boardcqrs.projector.source.RowChange;
import java.util.List;

/**
 * A read model kept in the search engine: the search counterpart of {@link dev.boardcqrs.projector.redis.RedisProjection}.
 * It names its index and that index's definition, and turns one row change into documents to write (pure: unit
 * tests need no engine). The {@link SearchStore} versions, batches and commits them, keeps tombstones for deletes,
 * and moves the index's alias between generations. Its mapping must have a boolean {@code deleted} and a long
 * {@code deletedVersion} field: tombstones carry only those.
 */
public interface SearchProjection {

    /** For logs, metrics and dead letters: "article-search". */
    String name();

    /** The tables it reads. */
    List<String> tables();

    /** The index's name within the namespace ("articles"); see {@link dev.boardcqrs.common.search.SearchIndexes}. */
    String index();

    /** The index's settings and mappings, sent to create each generation's index. */
    String definition();

    /**
     * The documents one change writes, in order.
     *
     * @throws RuntimeException for a row the model cannot take: the change goes to the dead letters
     */
    List<SearchWrite> plan(RowChange change);
}
