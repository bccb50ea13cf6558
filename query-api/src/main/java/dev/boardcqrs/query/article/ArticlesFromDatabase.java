package dev.boardcqrs.query.article;

import dev.boardcqrs.common.board.ArticleModel;
import dev.boardcqrs.query.readthrough.ArticleSource;
import dev.boardcqrs.query.readthrough.DatabaseGuard;
import dev.boardcqrs.query.readthrough.ReadThrough;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Articles as query-api answers them, read from the database alone: no Redis, no near cache. This is the way in
 * for every answer the read model cannot give (Redis down; a reader who must see a write the model may not hold
 * yet). Models come through the read-through (concurrent reads of one article share one SQL read; nothing is
 * stored), view counts from command-api's last backup of them, both through the {@link DatabaseGuard}.
 */
public final class ArticlesFromDatabase {
    private final ReadThrough readThrough;
    private final ArticleSource source;
    private final DatabaseGuard database;

    public ArticlesFromDatabase(ReadThrough readThrough, ArticleSource source, DatabaseGuard database) {
        this.readThrough = readThrough;
        this.source = source;
        this.database = database;
    }

    /** The articles with these ids that exist, in this order, each with its last backed-up view count. */
    public List<ArticleView> articles(List<Long> ids) {
        return articles(ids, false);
    }

    /**
     * {@link #articles(List)}; {@code current}: read by a read that begins now, not shared with one that began
     * earlier (a reader after a consistency token must see its write).
     */
    public List<ArticleView> articles(List<Long> ids, boolean current) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<Long, ArticleModel> models = current ? readThrough.currentFromDatabase(ids) : readThrough.fromDatabase(ids);
        Map<Long, Long> views = database.read(() -> source.backedUpViewCounts(models.keySet()));
        List<ArticleView> articles = new ArrayList<>(models.size());
        for (long id : ids) {
            ArticleModel model = models.get(id);
            if (model != null) {
                articles.add(ArticleView.of(model, views.getOrDefault(id, 0L)));
            }
        }
        return articles;
    }
}
