package dev.boardcqrs.query.article;

import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.view.ViewKeys;
import dev.boardcqrs.query.ReadModel;
import dev.boardcqrs.query.ReadServices;
import dev.boardcqrs.query.consistency.ReadAfter;
import dev.boardcqrs.query.nearcache.InvalidationTarget;
import dev.boardcqrs.query.nearcache.NearCache;
import dev.boardcqrs.query.readthrough.ReadThrough;
import dev.boardcqrs.query.view.ViewCounts;
import io.javalin.config.RoutesConfig;
import java.util.List;

/**
 * The board read model: articles (with comment, like and view counts), board pages and infinite scroll. It keeps
 * the article models it read and the view counts in memory (near cache), dropped when Redis reports a change.
 */
public final class BoardReadModel implements ReadModel {
    private final NearCache<Long, ArticleJson> nearCache;
    private final ViewCounts views;
    private final ArticleQueries articles;
    private final ReadAfter readAfter;

    public BoardReadModel(ReadServices services) {
        this.readAfter = services.readAfter();
        this.nearCache = new NearCache<>(services.nearCacheBytes(), ArticleJson::heapBytes);
        // a view count kept beyond its TTL is worth keeping while its article's model is kept (about 1 KB)
        this.views = new ViewCounts(services.redis(), new ViewKeys(services.keys()),
                services.config().viewCountCacheTtl(), Math.max(10_000, services.nearCacheBytes() / 1024),
                System::nanoTime);
        services.metrics().watch(nearCache);
        ReadThrough readThrough = new ReadThrough(services.articles(), services.redis(), services.keys(),
                services.database(), services.config().modelTtl(), services.metrics());
        this.articles = new ArticleQueries(services.redis(), services.keys(), views, readThrough,
                services.lists(), services.metrics(), nearCache, services.breaker(),
                new ArticlesFromDatabase(readThrough, services.articles(), services.database()));
    }

    /** The article reads, for read models that answer with articles. */
    public ArticleQueries articles() {
        return articles;
    }

    @Override
    public void routes(RoutesConfig routes) {
        ArticleController controller = new ArticleController(articles, readAfter);
        routes.get("/articles/{articleId}", controller::article);
        routes.get("/boards/{boardId}/articles", controller::page);
        routes.get("/boards/{boardId}/articles/infinite-scroll", controller::scroll);
    }

    @Override
    public List<InvalidationTarget> nearCaches() {
        return List.of(nearCache.invalidatedBy(BoardKeys::articleOfModel), views);
    }
}
