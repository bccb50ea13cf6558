package dev.boardcqrs.command.view;

import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.command.db.Rows;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.common.view.ViewKeys;
import dev.boardcqrs.common.web.ApiException;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Counts article views in Redis. This is the one place command-api writes to Redis: views arrive at read
 * traffic rates, and a SQL row update per view would turn every read into a contended write. Redis counts
 * them (at most one per user and article per window), and MySQL keeps a backup every N views and on a timer.
 */
public final class ViewService {
    private static final LuaScript COUNT_VIEW = LuaScript.resource("lua/count_view.lua");

    private final Database database;
    private final UnifiedJedis redis;
    private final boolean cluster;
    private final ViewKeys keys;
    private final ViewBackupStore backups;
    private final Duration window;
    private final int backupEvery;

    public ViewService(Database database, UnifiedJedis redis, ViewKeys keys, ViewBackupStore backups,
                       Duration window, int backupEvery) {
        this.database = database;
        this.redis = redis;
        this.cluster = redis instanceof RedisClusterClient;
        this.keys = keys;
        this.backups = backups;
        this.window = window;
        this.backupEvery = backupEvery;
    }

    public ViewCount count(long articleId, long userId) {
        requireArticle(articleId);
        String first = redis.set(keys.viewSeen(articleId, userId), "1", SetParams.setParams().nx().px(window.toMillis()));
        if (first == null) {
            return new ViewCount(articleId, false, current(articleId));
        }
        long count = increment(articleId);
        if (count % backupEvery == 0) {
            backups.save(articleId, count);
        }
        return new ViewCount(articleId, true, count);
    }

    private long increment(long articleId) {
        // on a Redis Cluster the set of unsaved articles is in another slot than the counter: the script counts, and
        // the article is marked right after; a crash in between leaves this view unsaved until the article's next
        List<String> scriptKeys = cluster ? List.of(keys.viewCount(articleId))
                : List.of(keys.viewCount(articleId), keys.viewsUnsaved());
        Object count = COUNT_VIEW.call(redis, scriptKeys, List.of(Long.toString(articleId), ""));
        if (count == null) {
            // the counter is gone (new article, or Redis lost its data): resume from the backup, never below it
            count = COUNT_VIEW.call(redis, scriptKeys,
                    List.of(Long.toString(articleId), Long.toString(backups.read(articleId))));
        }
        if (cluster) {
            redis.sadd(keys.viewsUnsaved(), Long.toString(articleId));
        }
        return (Long) count;
    }

    private long current(long articleId) {
        String count = redis.get(keys.viewCount(articleId));
        return count == null ? backups.read(articleId) : Long.parseLong(count);
    }

    private void requireArticle(long articleId) {
        boolean exists = database.inTransaction(connection ->
                Rows.exists(connection, "SELECT 1 FROM article WHERE article_id = ?", articleId));
        if (!exists) {
            throw ApiException.notFound("article " + articleId + " does not exist");
        }
    }

    /** What a view request did: whether it counted, and the article's count after it. */
    public record ViewCount(long articleId, boolean counted, long viewCount) {
    }
}
