package dev.boardcqrs.query.article;

import dev.boardcqrs.common.board.ArticleModel;
import dev.boardcqrs.common.board.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.query.view.ViewCounts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * Reads the board query models from Redis, each in one round trip, and adds the live view counts.
 * This is a service: no HTTP here.
 */
public final class ArticleQueries {
    private static final LuaScript BOARD_ARTICLES = LuaScript.resource("lua/board_articles.lua");

    private final UnifiedJedis redis;
    private final KeyScheme keys;
    private final ViewCounts views;

    public ArticleQueries(UnifiedJedis redis, KeyScheme keys, ViewCounts views) {
        this.redis = redis;
        this.keys = keys;
        this.views = views;
    }

    public Optional<ArticleView> find(long articleId) {
        return Optional.ofNullable(ArticleModel.fromHash(redis.hgetAll(keys.article(articleId))))
                .map(model -> ArticleView.of(model, views.of(articleId)));
    }

    /** Page {@code page} (from 1) of the board's articles, newest first, with the board's article count. */
    public ArticlePage page(long boardId, int page, int pageSize) {
        long first = (long) (page - 1) * pageSize;
        return read(boardId, "page", first, first + pageSize - 1);
    }

    /** The {@code pageSize} articles after {@code lastArticleId} (all from the newest when it is null). */
    public List<ArticleView> scroll(long boardId, int pageSize, Long lastArticleId) {
        String after = lastArticleId == null ? "+inf" : Long.toString(lastArticleId);
        return read(boardId, "after", after, pageSize).articles();
    }

    private ArticlePage read(long boardId, String mode, Object from, Object to) {
        List<?> result = (List<?>) BOARD_ARTICLES.call(redis, List.of(keys.boardArticles(boardId)),
                List.of(keys.articlePrefix(), mode, from.toString(), to.toString()));
        long count = (Long) result.get(0);
        List<ArticleModel> models = new ArrayList<>(result.size() - 1);
        for (Object flat : result.subList(1, result.size())) {
            models.add(ArticleModel.fromHash(toMap((List<?>) flat)));
        }
        Map<Long, Long> viewCounts = views.of(models.stream().map(ArticleModel::articleId).toList());
        List<ArticleView> articles = models.stream()
                .map(model -> ArticleView.of(model, viewCounts.get(model.articleId())))
                .toList();
        return new ArticlePage(articles, count);
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
