package dev.boardcqrs.projector;

import dev.boardcqrs.projector.board.BoardProjection;
import dev.boardcqrs.projector.catalog.CatalogProjection;
import dev.boardcqrs.projector.articlesearch.ArticleSearchProjection;
import dev.boardcqrs.projector.redis.ListGuard;
import dev.boardcqrs.projector.redis.RedisProjection;
import dev.boardcqrs.projector.search.SearchProjection;
import dev.boardcqrs.projector.source.OrderingGroup;
import dev.boardcqrs.projector.writer.WriterProjection;
import java.util.List;

/** The read models this projector keeps. A new read model is its package and one more line here. */
public final class ReadModels {
    private ReadModels() {
    }

    /**
     * The read models kept in Redis, in the order their writes are queued in a batch. Boards' and writers' counts are
     * guarded per article only when the source is Kafka: it costs memory the embedded engine's one order does not need.
     */
    public static List<RedisProjection<?>> redis(ProjectorConfig config) {
        ListGuard guard = config.kafkaSource() ? ListGuard.ARTICLE : ListGuard.OWNER;
        return List.<RedisProjection<?>>of(
                new BoardProjection(config.modelTtl(), config.boardListLength(), guard),
                new CatalogProjection(),
                new WriterProjection(config.boardListLength(), guard));
    }

    /** The read models kept in the search engine (when SEARCH_ENABLED). */
    public static List<SearchProjection> search() {
        return List.of(new ArticleSearchProjection());
    }

    /**
     * The orders the read models need their changes in: a change source that spreads changes over partitions
     * (Kafka) keeps each group in one order. The writer list and search read article rows only, ordered by the
     * articles group.
     */
    public static List<OrderingGroup> orderingGroups() {
        return List.of(BoardProjection.ORDERING, CatalogProjection.ORDERING);
    }

    /** The tables {@code projections} read, each once, in the order they first appear. */
    public static List<String> tables(List<? extends RedisProjection<?>> projections) {
        return projections.stream().flatMap(projection -> projection.tables().stream()).distinct().toList();
    }
}
