package dev.boardcqrs.query.readthrough;

import dev.boardcqrs.common.board.ArticleModel;
import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.query.QueryScripts;
import dev.boardcqrs.query.ScriptCalls;
import dev.boardcqrs.query.metrics.QueryMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Builds missing article models from SQL, returns them and stores them in Redis with the TTL. It is the path
 * that keeps reads available after event loss, expiry or Redis data loss, so it is guarded against passing a
 * failure on: concurrent misses of one article share one SQL read, and reads go through the {@link DatabaseGuard}
 * (bounded concurrency; a read that cannot start or finish within the timeout answers 503 rather than queueing).
 */
public final class ReadThrough {
    private static final Logger log = LoggerFactory.getLogger(ReadThrough.class);
    private static final LuaScript STORE = QueryScripts.of("lua/store_model.lua");

    private final ArticleSource source;
    private final ScriptCalls scripts;
    private final KeyScheme keys;
    private final DatabaseGuard database;
    private final Duration timeout;
    private final long ttlSeconds;
    private final QueryMetrics metrics;
    private final ConcurrentHashMap<Long, CompletableFuture<Optional<ArticleModel>>> inFlight = new ConcurrentHashMap<>();

    public ReadThrough(ArticleSource source, UnifiedJedis redis, KeyScheme keys, DatabaseGuard database,
                       Duration modelTtl, QueryMetrics metrics) {
        this.metrics = metrics;
        this.source = source;
        this.scripts = ScriptCalls.of(redis, keys);
        this.keys = keys;
        this.database = database;
        this.timeout = database.timeout();
        this.ttlSeconds = Math.max(1, modelTtl.toSeconds());
    }

    /** What Redis holds now of a set of articles' models. */
    @FunctionalInterface
    public interface StoredModels {
        Map<Long, ArticleModel> of(Collection<Long> articleIds);
    }

    /**
     * The models of these articles; an article the database does not have is absent from the answer.
     * {@code stored} is asked first: a miss that reaches here just after another reader's shared read stored the
     * model (it read Redis before the store, and came after the shared read ended) finds it there instead of
     * reading SQL again.
     */
    public Map<Long, ArticleModel> load(Collection<Long> articleIds, StoredModels stored) {
        return load(articleIds, stored, true);
    }

    /**
     * The models of these articles read from the database alone, for while Redis cannot be asked: concurrent reads
     * of one article still share one SQL read (also with {@link #load}), and nothing is stored.
     */
    public Map<Long, ArticleModel> fromDatabase(Collection<Long> articleIds) {
        return load(articleIds, ids -> Map.of(), false);
    }

    private Map<Long, ArticleModel> load(Collection<Long> articleIds, StoredModels stored, boolean store) {
        Map<Long, CompletableFuture<Optional<ArticleModel>>> waiting = new LinkedHashMap<>();
        Map<Long, CompletableFuture<Optional<ArticleModel>>> mine = new LinkedHashMap<>();
        for (long id : articleIds) {
            CompletableFuture<Optional<ArticleModel>> fresh = new CompletableFuture<>();
            CompletableFuture<Optional<ArticleModel>> current = inFlight.putIfAbsent(id, fresh);
            if (current == null) {
                mine.put(id, fresh);
                current = fresh;
            }
            waiting.put(id, current);
        }
        if (!mine.isEmpty()) {
            readAndStore(mine, stored, store);
        }
        Map<Long, ArticleModel> models = new HashMap<>();
        for (Map.Entry<Long, CompletableFuture<Optional<ArticleModel>>> entry : waiting.entrySet()) {
            await(entry.getValue()).ifPresent(model -> models.put(entry.getKey(), model));
        }
        return models;
    }

    /**
     * The models of these articles read from SQL alone, not stored, and not shared with a read that began earlier
     * (it may predate the write): the answer for a read whose consistency token the projector did not reach in
     * time (Redis may be behind it), and nothing else.
     */
    public Map<Long, ArticleModel> currentFromDatabase(Collection<Long> articleIds) {
        return database.read(() -> source.articles(articleIds)).articles();
    }

    private void readAndStore(Map<Long, CompletableFuture<Optional<ArticleModel>>> mine, StoredModels stored,
                              boolean store) {
        Map<Long, CompletableFuture<Optional<ArticleModel>>> toRead = new LinkedHashMap<>(mine);
        try {
            storedNow(mine.keySet(), stored).forEach((id, model) -> toRead.remove(id).complete(Optional.of(model)));
            if (toRead.isEmpty()) {
                return;
            }
            ArticleSource.Snapshot snapshot = database.read(() -> source.articles(toRead.keySet()));
            if (store) {
                store(snapshot);
                metrics.rebuilt(snapshot.articles().size());
            }
            toRead.forEach((id, future) -> future.complete(Optional.ofNullable(snapshot.articles().get(id))));
        } catch (RuntimeException e) {
            metrics.fallbackError(e);
            log.warn("read-through of articles {} failed: {}", toRead.keySet(), e.toString());
            toRead.values().forEach(future -> future.completeExceptionally(e));
        } finally {
            mine.keySet().forEach(inFlight::remove);
        }
    }

    // a reader that cannot ask Redis reads SQL, as before
    private static Map<Long, ArticleModel> storedNow(Collection<Long> ids, StoredModels stored) {
        try {
            return stored.of(ids);
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    private void store(ArticleSource.Snapshot snapshot) {
        for (ArticleModel model : snapshot.articles().values()) {
            try {
                scripts.call(STORE, KeyScheme.tag(BoardKeys.ARTICLE, model.articleId()),
                        arguments(snapshot.position(), model));
            } catch (RuntimeException e) {
                // the answer is still right; the next miss reads again
                log.warn("could not store the model of article {}: {}", model.articleId(), e.toString());
            }
        }
    }

    private List<String> arguments(String position, ArticleModel model) {
        List<String> args = new ArrayList<>();
        args.add(keys.namespace());
        args.add(Long.toString(model.articleId()));
        args.add(position);
        args.add(Long.toString(ttlSeconds));
        ArticleModel.rowFields(model.articleId(), model.boardId(), model.writerId(), model.title(), model.content(),
                model.createdAt(), model.modifiedAt()).forEach((field, value) -> {
                    args.add(field);
                    args.add(value);
                });
        args.add(ArticleModel.COMMENT_COUNT);
        args.add(Long.toString(model.commentCount()));
        args.add(ArticleModel.LIKE_COUNT);
        args.add(Long.toString(model.likeCount()));
        return args;
    }

    private Optional<ArticleModel> await(CompletableFuture<Optional<ArticleModel>> future) {
        return SourceUnavailableException.awaitShared(future, timeout.multipliedBy(2));
    }
}
