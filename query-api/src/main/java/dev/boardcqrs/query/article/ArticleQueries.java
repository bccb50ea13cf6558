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
 * Reads articles and board pages. An article's model comes from the near cache when it holds it (until Redis
 * reports a change to it), else from Redis, else from SQL (read-through, which also stores the model): for
 * expired models, or everything while no generation of the models is ready. Its view count comes from
 * {@link ViewCounts}. What the caches lack is read in one round trip. A page's ids come from the board's list in
 * Redis, and from SQL below it. This is a service: no HTTP here.
 */
public final class ArticleQueries {
    private static final LuaScript READ_ARTICLES = LuaScript.resource("lua/read_articles.lua");
    private static final LuaScript BOARD_ARTICLES = LuaScript.resource("lua/board_articles.lua");

    private final UnifiedJedis redis;
    private final KeyScheme keys;
    private final ViewCounts views;
    private final ReadThrough readThrough;
    private final ArticleSource source;
    private final QueryMetrics metrics;
    private final NearCache<Long, ArticleModel> nearCache;

    public ArticleQueries(UnifiedJedis redis, KeyScheme keys, ViewCounts views, ReadThrough readThrough,
                          ArticleSource source, QueryMetrics metrics, NearCache<Long, ArticleModel> nearCache) {
        this.redis = redis;
        this.keys = keys;
        this.views = views;
        this.readThrough = readThrough;
        this.source = source;
        this.metrics = metrics;
        this.nearCache = nearCache;
    }

    /**
     * Roughly what a kept model takes on the heap: the objects around it plus two bytes a character (text that is
     * not Latin-1 takes two; Latin-1 takes one, so this errs on the high side).
     */
    public static int heapBytes(ArticleModel model) {
        long characters = (long) length(model.title()) + length(model.content()) + length(model.createdAt())
                + length(model.modifiedAt());
        return (int) Math.min(Integer.MAX_VALUE, 300 + 2 * characters);
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }

    public Optional<ArticleView> find(long articleId) {
        List<ArticleView> found = articles(List.of(articleId));
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** Page {@code page} (from 1) of the board's articles, newest first, with the board's article count. */
    public ArticlePage page(long boardId, int page, int pageSize) {
        long first = (long) (page - 1) * pageSize;
        BoardRead read = readBoard(boardId, "page", Long.toString(first), Long.toString(first + pageSize - 1));
        long count = read.count() >= 0 ? read.count() : source.boardArticleCount(boardId);
        List<Long> ids = new ArrayList<>(read.ids());
        if (ids.size() < pageSize && read.incomplete()) {
            // beyond the list: continue below its oldest article with a keyset query
            long below = read.listLength() == 0 ? Long.MAX_VALUE : read.lowestListed();
            long skip = Math.max(0, first - read.listLength());
            ids.addAll(source.boardArticleIds(boardId, below, skip, pageSize - ids.size()));
        }
        return new ArticlePage(articles(ids), count);
    }

    /** The {@code pageSize} articles below {@code lastArticleId} (from the newest when it is null). */
    public List<ArticleView> scroll(long boardId, int pageSize, Long lastArticleId) {
        BoardRead read = readBoard(boardId, "after", lastArticleId == null ? "+inf" : lastArticleId.toString(),
                Integer.toString(pageSize));
        List<Long> ids = new ArrayList<>(read.ids());
        if (ids.size() < pageSize && read.incomplete()) {
            long below = !ids.isEmpty() ? ids.get(ids.size() - 1) : lastArticleId == null ? Long.MAX_VALUE : lastArticleId;
            ids.addAll(source.boardArticleIds(boardId, below, 0, pageSize - ids.size()));
        }
        return articles(ids);
    }

    /** The articles with these ids that exist, in this order, each with its view count. */
    private List<ArticleView> articles(List<Long> ids) {
        Map<Long, ArticleModel> models = new HashMap<>();
        List<Long> notKept = new ArrayList<>();
        for (long id : ids) {
            ArticleModel kept = nearCache.get(id);
            if (kept != null) {
                models.put(id, kept);
            } else {
                notKept.add(id);
            }
        }
        metrics.nearCacheHits(models.size());
        ViewCounts.Claim counts = views.claim(ids);
        List<Long> countsToRead = counts.toLoad();
        if (!notKept.isEmpty() || !countsToRead.isEmpty()) {
            models.putAll(readFromRedis(notKept, counts, countsToRead));
        }
        Map<Long, Long> viewCounts = counts.counts();
        List<ArticleView> articles = new ArrayList<>(ids.size());
        for (long id : ids) {
            ArticleModel model = models.get(id);
            if (model != null) { // else deleted between the list read and the model read
                articles.add(ArticleView.of(model, viewCounts.get(id)));
            }
        }
        return articles;
    }

    /**
     * Reads the models of {@code ids} and the counts the claim must load, in one round trip; keeps the models in
     * the near cache, and builds those Redis lacks from SQL.
     */
    private Map<Long, ArticleModel> readFromRedis(List<Long> ids, ViewCounts.Claim counts, List<Long> countsToRead) {
        Map<Long, NearCache.Reservation> reservations = new HashMap<>();
        for (long id : ids) {
            NearCache.Reservation reservation = nearCache.reserve(id);
            if (reservation != null) {
                reservations.put(id, reservation);
                metrics.nearCacheMiss();
            }
        }
        List<String> args = new ArrayList<>(2 + ids.size() + countsToRead.size());
        args.add(keys.namespace());
        args.add(Integer.toString(ids.size()));
        ids.forEach(id -> args.add(Long.toString(id)));
        countsToRead.forEach(id -> args.add(Long.toString(id)));
        List<?> read;
        try {
            read = (List<?>) READ_ARTICLES.call(redis, List.of(), args);
        } catch (RuntimeException e) {
            counts.failed(e);
            throw e;
        }
        counts.loaded(read.subList(ids.size(), read.size()).stream().map(count -> (Long) count).toList());
        Map<Long, ArticleModel> models = new HashMap<>();
        List<Long> notInRedis = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            long id = ids.get(i);
            ArticleModel model = ArticleModel.fromHash(toMap((List<?>) read.get(i)));
            if (model == null) {
                notInRedis.add(id);
            } else {
                models.put(id, model);
                nearCache.store(id, reservations.get(id), model);
            }
        }
        metrics.hits(ids.size() - notInRedis.size());
        metrics.misses(notInRedis.size());
        if (!notInRedis.isEmpty()) {
            // not kept: what SQL answers may be newer or older than what Redis will hold
            models.putAll(readThrough.load(notInRedis));
        }
        return models;
    }

    private BoardRead readBoard(long boardId, String mode, String from, String to) {
        List<?> result = (List<?>) BOARD_ARTICLES.call(redis, List.of(),
                List.of(keys.namespace(), mode, from, to, Long.toString(boardId)));
        boolean building = (Long) result.get(0) == 1;
        List<Long> ids = new ArrayList<>(result.size() - 4);
        for (int i = 4; i < result.size(); i++) {
            ids.add((Long) result.get(i));
        }
        return new BoardRead(building, (Long) result.get(1), (Long) result.get(2), (Long) result.get(3), ids);
    }

    /**
     * What Redis knows of a board. {@code count} is -1 when Redis has no count (rebuilding, or no such board
     * yet); ids are those of the requested part of the list.
     */
    private record BoardRead(boolean building, long count, long listLength, long lowestListed, List<Long> ids) {
        /** Whether articles older than the list exist (or may exist) in SQL. */
        boolean incomplete() {
            return building || count < 0 || listLength < count;
        }
    }

    private static Map<String, String> toMap(List<?> flat) {
        Map<String, String> map = new LinkedHashMap<>(flat.size());
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
