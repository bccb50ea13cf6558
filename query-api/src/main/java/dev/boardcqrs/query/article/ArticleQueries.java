package dev.boardcqrs.query.article;

import dev.boardcqrs.common.board.ArticleModel;
import dev.boardcqrs.common.board.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.query.metrics.QueryMetrics;
import dev.boardcqrs.query.nearcache.NearCache;
import dev.boardcqrs.query.readthrough.ArticleSource;
import dev.boardcqrs.query.readthrough.ReadThrough;
import dev.boardcqrs.query.view.ViewCounts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * Reads articles and board pages: from the Redis models in one round trip when they are there, and from SQL
 * (read-through, which also stores the models) for what is missing: expired models, pages older than the
 * board's list, or everything while no generation of the models is ready. Adds the live view counts. An
 * article read from Redis is kept in the near cache, which answers the next reads of it without a round trip
 * until Redis reports a change to its model or view counter. This is a service: no HTTP here.
 */
public final class ArticleQueries {
    private static final LuaScript READ_ARTICLE = LuaScript.resource("lua/read_article.lua");
    private static final LuaScript BOARD_ARTICLES = LuaScript.resource("lua/board_articles.lua");

    private final UnifiedJedis redis;
    private final KeyScheme keys;
    private final ViewCounts views;
    private final ReadThrough readThrough;
    private final ArticleSource source;
    private final QueryMetrics metrics;
    private final NearCache<Long, ArticleView> nearCache;

    public ArticleQueries(UnifiedJedis redis, KeyScheme keys, ViewCounts views, ReadThrough readThrough,
                          ArticleSource source, QueryMetrics metrics, NearCache<Long, ArticleView> nearCache) {
        this.metrics = metrics;
        this.nearCache = nearCache;
        this.redis = redis;
        this.keys = keys;
        this.views = views;
        this.readThrough = readThrough;
        this.source = source;
    }

    public Optional<ArticleView> find(long articleId) {
        ArticleView kept = nearCache.get(articleId);
        if (kept != null) {
            metrics.hits(1);
            metrics.nearCacheHit();
            return Optional.of(kept);
        }
        NearCache.Reservation reservation = nearCache.reserve(articleId);
        if (reservation != null) {
            metrics.nearCacheMiss();
        }
        // the view count comes along in the same round trip (key: KeyScheme.viewCount), fresher than the cache
        List<?> read = (List<?>) READ_ARTICLE.call(redis, List.of(),
                List.of(keys.namespace(), Long.toString(articleId)));
        ArticleModel model = ArticleModel.fromHash(toMap((List<?>) read.get(1)));
        long viewCount = (Long) read.get(0);
        if (model == null) {
            metrics.misses(1);
            // not kept: what SQL answers may be newer or older than what Redis will hold
            return Optional.ofNullable(readThrough.load(List.of(articleId)).get(articleId))
                    .map(found -> ArticleView.of(found, viewCount));
        }
        metrics.hits(1);
        ArticleView view = ArticleView.of(model, viewCount);
        nearCache.store(articleId, reservation, view);
        return Optional.of(view);
    }

    /** Page {@code page} (from 1) of the board's articles, newest first, with the board's article count. */
    public ArticlePage page(long boardId, int page, int pageSize) {
        long first = (long) (page - 1) * pageSize;
        BoardRead read = readBoard(boardId, "page", Long.toString(first), Long.toString(first + pageSize - 1));
        long count = read.count() >= 0 ? read.count() : source.boardArticleCount(boardId);
        List<Long> ids = new ArrayList<>(read.models().keySet());
        if (ids.size() < pageSize && read.incomplete()) {
            // beyond the list: continue below its oldest article with a keyset query
            long below = read.listLength() == 0 ? Long.MAX_VALUE : read.lowestListed();
            long skip = Math.max(0, first - read.listLength());
            ids.addAll(source.boardArticleIds(boardId, below, skip, pageSize - ids.size()));
        }
        return new ArticlePage(articles(ids, read.models()), count);
    }

    /** The {@code pageSize} articles below {@code lastArticleId} (from the newest when it is null). */
    public List<ArticleView> scroll(long boardId, int pageSize, Long lastArticleId) {
        BoardRead read = readBoard(boardId, "after", lastArticleId == null ? "+inf" : lastArticleId.toString(),
                Integer.toString(pageSize));
        List<Long> ids = new ArrayList<>(read.models().keySet());
        if (ids.size() < pageSize && read.incomplete()) {
            long below = !ids.isEmpty() ? ids.get(ids.size() - 1) : lastArticleId == null ? Long.MAX_VALUE : lastArticleId;
            ids.addAll(source.boardArticleIds(boardId, below, 0, pageSize - ids.size()));
        }
        return articles(ids, read.models());
    }

    private List<ArticleView> articles(List<Long> ids, Map<Long, ArticleModel> cached) {
        List<Long> missing = ids.stream().filter(id -> cached.get(id) == null).toList();
        metrics.hits(ids.size() - missing.size());
        metrics.misses(missing.size());
        Map<Long, ArticleModel> loaded = missing.isEmpty() ? Map.of() : readThrough.load(missing);
        List<ArticleModel> models = new ArrayList<>(ids.size());
        for (long id : ids) {
            ArticleModel model = cached.get(id) != null ? cached.get(id) : loaded.get(id);
            if (model != null) { // deleted between the list read and the model read
                models.add(model);
            }
        }
        Map<Long, Long> viewCounts = views.of(models.stream().map(ArticleModel::articleId).toList());
        return models.stream().map(model -> ArticleView.of(model, viewCounts.get(model.articleId()))).toList();
    }

    private BoardRead readBoard(long boardId, String mode, String from, String to) {
        List<?> result = (List<?>) BOARD_ARTICLES.call(redis, List.of(),
                List.of(keys.namespace(), mode, from, to, Long.toString(boardId)));
        boolean building = (Long) result.get(0) == 1;
        Map<Long, ArticleModel> models = new LinkedHashMap<>();
        for (int i = 4; i + 1 < result.size(); i += 2) {
            models.put((Long) result.get(i), ArticleModel.fromHash(toMap((List<?>) result.get(i + 1))));
        }
        return new BoardRead(building, (Long) result.get(1), (Long) result.get(2), (Long) result.get(3), models);
    }

    /**
     * What Redis knows of a board. {@code count} is -1 when Redis has no count (rebuilding, or no such board
     * yet); models holds null for a listed article whose model expired.
     */
    private record BoardRead(boolean building, long count, long listLength, long lowestListed,
                             Map<Long, ArticleModel> models) {
        /** Whether articles older than the list exist (or may exist) in SQL. */
        boolean incomplete() {
            return building || count < 0 || listLength < count;
        }
    }

    private static Map<String, String> toMap(List<?> flat) {
        Map<String, String> map = new HashMap<>(flat.size());
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            map.put(text(flat.get(i)), text(flat.get(i + 1)));
        }
        return map;
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value.toString();
    }

    /** One page of a board's list and the board's total article count. */
    public record ArticlePage(List<ArticleView> articles, long articleCount) {
    }
}
