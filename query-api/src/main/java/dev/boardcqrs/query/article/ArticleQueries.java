package dev.boardcqrs.query.article;

import dev.boardcqrs.common.board.ArticleModel;
import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.query.QueryScripts;
import dev.boardcqrs.query.ScriptCalls;
import dev.boardcqrs.query.consistency.ReadMode;
import dev.boardcqrs.query.degrade.RedisBreaker;
import dev.boardcqrs.query.degrade.Served;
import dev.boardcqrs.query.list.ArticleLists;
import dev.boardcqrs.query.metrics.QueryMetrics;
import dev.boardcqrs.query.nearcache.NearCache;
import dev.boardcqrs.query.readthrough.ReadThrough;
import dev.boardcqrs.query.view.ViewCounts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;

/**
 * Reads articles and board pages. An article's model comes from the near cache when it holds it (until Redis
 * reports a change to it), else from Redis, else from SQL (read-through, which also stores the model): for
 * expired models, or everything while no generation of the models is ready. Its view count comes from
 * {@link ViewCounts}. What the caches lack is read in one round trip. A page's ids come from the board's counted
 * list ({@link ArticleLists}). Other read models that answer with articles (a writer's list) read them here too.
 * While Redis cannot be asked ({@link RedisBreaker}), everything comes from the database alone
 * ({@link ArticlesFromDatabase}). This is a service: no HTTP here.
 */
public final class ArticleQueries {
    private static final LuaScript READ_ARTICLES = QueryScripts.of("lua/read_articles.lua");

    private final ScriptCalls scripts;
    private final KeyScheme keys;
    private final ViewCounts views;
    private final ReadThrough readThrough;
    private final ArticleLists lists;
    private final QueryMetrics metrics;
    private final NearCache<Long, ArticleJson> nearCache;
    private final RedisBreaker breaker;
    private final ArticlesFromDatabase database;

    public ArticleQueries(UnifiedJedis redis, KeyScheme keys, ViewCounts views, ReadThrough readThrough,
                          ArticleLists lists, QueryMetrics metrics, NearCache<Long, ArticleJson> nearCache,
                          RedisBreaker breaker, ArticlesFromDatabase database) {
        this.scripts = ScriptCalls.of(redis, keys);
        this.keys = keys;
        this.views = views;
        this.readThrough = readThrough;
        this.lists = lists;
        this.metrics = metrics;
        this.nearCache = nearCache;
        this.breaker = breaker;
        this.database = database;
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

    /** The article's JSON (see {@link ArticleJson#one}) as {@code mode} allows reading it (see {@link ReadMode}). */
    public Served<Optional<byte[]>> find(long articleId, ReadMode mode) {
        List<Long> ids = List.of(articleId);
        return read(mode, () -> first(counted(ids, mode)), () -> first(fromDatabase(ids, mode)));
    }

    private static Optional<byte[]> first(List<ArticleJson.Counted> found) {
        return found.isEmpty() ? Optional.empty() : Optional.of(ArticleJson.one(found.get(0)));
    }

    /**
     * Page {@code page} (from 1) of the board's articles, newest first, with the board's article count, as JSON
     * (see {@link ArticleJson#page}).
     */
    public Served<byte[]> page(long boardId, int page, int pageSize, ReadMode mode) {
        return read(mode, () -> {
            ArticleLists.Ids ids = lists.page(board(boardId), page, pageSize, mode);
            return ArticleJson.page(counted(ids.ids(), mode), ids.count());
        }, () -> {
            ArticleLists.Ids ids = lists.pageFromDatabase(board(boardId), page, pageSize);
            return ArticleJson.page(fromDatabase(ids.ids(), mode), ids.count());
        });
    }

    /**
     * The {@code pageSize} articles below {@code lastArticleId} (from the newest when it is null), as JSON (see
     * {@link ArticleJson#list}).
     */
    public Served<byte[]> scroll(long boardId, int pageSize, Long lastArticleId, ReadMode mode) {
        return read(mode, () -> ArticleJson.list(counted(lists.after(board(boardId), lastArticleId, pageSize, mode)
                .ids(), mode)), () -> ArticleJson.list(fromDatabase(lists.afterFromDatabase(board(boardId),
                lastArticleId, pageSize).ids(), mode)));
    }

    private List<ArticleJson.Counted> fromDatabase(List<Long> ids, ReadMode mode) {
        return database.articles(ids, current(mode)).stream().map(ArticleJson::of).toList();
    }

    /**
     * Asks the read model through the {@link RedisBreaker}, and the database alone while Redis is down. A read whose
     * consistency token the projector did not reach in time ({@link ReadMode#DATABASE}) takes its models from SQL
     * either way (view counts from Redis while it answers), so its answer is the database's.
     */
    public <T> Served<T> read(ReadMode mode, Supplier<T> fromReadModel, Supplier<T> fromDatabase) {
        Served<T> served = breaker.read(fromReadModel, fromDatabase);
        return mode == ReadMode.DATABASE && !served.fromDatabase() ? Served.byDatabase(served.value()) : served;
    }

    /** Whether a database read must begin after this read did (a token's write may be newer than a shared read). */
    public static boolean current(ReadMode mode) {
        return mode != ReadMode.CACHED;
    }

    /** The article reads from the database alone, for read models that answer without Redis. */
    public ArticlesFromDatabase fromDatabase() {
        return database;
    }

    private static ArticleLists.Owner board(long boardId) {
        return new ArticleLists.Owner(BoardKeys.owner(boardId), "board_id", boardId);
    }

    /**
     * The articles with these ids that exist, in this order, each with its view count, from the read model: a caller
     * asks through the {@link RedisBreaker}, with {@link #fromDatabase} as the way round.
     */
    public List<ArticleView> articles(List<Long> ids) {
        return articles(ids, ReadMode.CACHED);
    }

    /**
     * The articles with these ids that exist, in this order, each with its view count; the models from where
     * {@code mode} allows (a read after a token skips the near cache, or reads SQL only).
     */
    public List<ArticleView> articles(List<Long> ids, ReadMode mode) {
        return counted(ids, mode).stream().map(ArticleJson.Counted::view).toList();
    }

    /** {@link #articles(List, ReadMode)}, each model with its JSON. */
    private List<ArticleJson.Counted> counted(List<Long> ids, ReadMode mode) {
        Map<Long, ArticleJson> models = new HashMap<>();
        List<Long> notKept = new ArrayList<>();
        if (mode == ReadMode.DATABASE) {
            models.putAll(serialized(readThrough.currentFromDatabase(ids)));
        } else {
            for (long id : ids) {
                ArticleJson kept = mode == ReadMode.CACHED ? nearCache.get(id) : null;
                if (kept != null) {
                    models.put(id, kept);
                } else {
                    notKept.add(id);
                }
            }
            metrics.nearCacheHits(models.size());
        }
        ViewCounts.Claim counts = views.claim(ids);
        List<Long> countsToRead = counts.toLoad();
        if (!notKept.isEmpty() || !countsToRead.isEmpty()) {
            models.putAll(readFromRedis(notKept, counts, countsToRead, mode == ReadMode.CACHED));
        }
        Map<Long, Long> viewCounts = counts.counts();
        List<ArticleJson.Counted> articles = new ArrayList<>(ids.size());
        for (long id : ids) {
            ArticleJson model = models.get(id);
            if (model != null) { // else deleted between the list read and the model read
                articles.add(new ArticleJson.Counted(model, viewCounts.get(id)));
            }
        }
        return articles;
    }

    private static Map<Long, ArticleJson> serialized(Map<Long, ArticleModel> models) {
        Map<Long, ArticleJson> serialized = new HashMap<>();
        models.forEach((id, model) -> serialized.put(id, ArticleJson.of(model)));
        return serialized;
    }

    /**
     * Reads the models of {@code ids} and the counts the claim must load, in one round trip; keeps the models in
     * the near cache (when {@code keep}), and builds those Redis lacks from SQL.
     */
    private Map<Long, ArticleJson> readFromRedis(List<Long> ids, ViewCounts.Claim counts, List<Long> countsToRead,
                                                  boolean keep) {
        Map<Long, NearCache.Reservation> reservations = new HashMap<>();
        for (long id : keep ? ids : List.<Long>of()) {
            NearCache.Reservation reservation = nearCache.reserve(id);
            if (reservation != null) {
                reservations.put(id, reservation);
                metrics.nearCacheMiss();
            }
        }
        List<?> read;
        try {
            read = read(ids, countsToRead);
        } catch (RuntimeException e) {
            counts.failed(e);
            throw e;
        }
        counts.loaded(read.subList(ids.size(), read.size()).stream().map(count -> (Long) count).toList());
        Map<Long, ArticleJson> models = new HashMap<>();
        List<Long> notInRedis = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            long id = ids.get(i);
            ArticleModel model = ArticleModel.fromHash(toMap((List<?>) read.get(i)));
            if (model == null) {
                notInRedis.add(id);
            } else {
                ArticleJson json = ArticleJson.of(model);
                models.put(id, json);
                nearCache.store(id, reservations.get(id), json);
            }
        }
        metrics.hits(ids.size() - notInRedis.size());
        metrics.misses(notInRedis.size());
        if (!notInRedis.isEmpty()) {
            // not kept: what SQL answers may be newer or older than what Redis will hold
            models.putAll(serialized(readThrough.load(notInRedis, this::stored)));
        }
        return models;
    }

    /** The models of {@code ids} and the counts of {@code countsOf}, as one reply of read_articles.lua. */
    private List<?> read(Collection<Long> ids, List<Long> countsOf) {
        List<String> args = new ArrayList<>(2 + ids.size() + countsOf.size());
        args.add(keys.namespace());
        args.add(Integer.toString(ids.size()));
        ids.forEach(id -> args.add(Long.toString(id)));
        countsOf.forEach(id -> args.add(Long.toString(id)));
        if (scripts.clustered()) {
            return readPerArticle(ids, countsOf);
        }
        return (List<?>) scripts.call(READ_ARTICLES, null, args);
    }

    /**
     * {@link #read} on a Redis Cluster: a call per article, each reading the article's model and count (one hash tag,
     * so one slot), all in one pipeline; the replies put together as one call's.
     */
    private List<?> readPerArticle(Collection<Long> ids, List<Long> countsOf) {
        Set<Long> models = new HashSet<>(ids);
        Set<Long> counts = new HashSet<>(countsOf);
        List<Long> articles = new ArrayList<>(new LinkedHashSet<>(ids));
        countsOf.stream().filter(id -> !models.contains(id)).forEach(articles::add);
        List<String> tags = new ArrayList<>(articles.size());
        List<List<String>> args = new ArrayList<>(articles.size());
        for (long id : articles) {
            tags.add(KeyScheme.tag(BoardKeys.ARTICLE, id));
            List<String> one = new ArrayList<>(List.of(keys.namespace(), models.contains(id) ? "1" : "0"));
            if (models.contains(id)) {
                one.add(Long.toString(id));
            }
            if (counts.contains(id)) {
                one.add(Long.toString(id));
            }
            args.add(one);
        }
        List<Object> replies = scripts.callEach(READ_ARTICLES, tags, args);
        Map<Long, Object> modelOf = new HashMap<>();
        Map<Long, Object> countOf = new HashMap<>();
        for (int i = 0; i < articles.size(); i++) {
            List<?> reply = (List<?>) replies.get(i);
            long id = articles.get(i);
            if (models.contains(id)) {
                modelOf.put(id, reply.get(0));
            }
            if (counts.contains(id)) {
                countOf.put(id, reply.get(reply.size() - 1));
            }
        }
        List<Object> read = new ArrayList<>(ids.size() + countsOf.size());
        ids.forEach(id -> read.add(modelOf.get(id)));
        countsOf.forEach(id -> read.add(countOf.get(id)));
        return read;
    }

    /** The models Redis holds now of {@code ids}. */
    private Map<Long, ArticleModel> stored(Collection<Long> ids) {
        List<Long> ordered = List.copyOf(ids);
        List<?> read = read(ordered, List.of());
        Map<Long, ArticleModel> models = new HashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            ArticleModel model = ArticleModel.fromHash(toMap((List<?>) read.get(i)));
            if (model != null) {
                models.put(ordered.get(i), model);
            }
        }
        return models;
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
}
