package dev.boardcqrs.query.writer;

import dev.boardcqrs.common.writer.WriterKeys;
import dev.boardcqrs.query.article.ArticleQueries;
import dev.boardcqrs.query.article.ArticleView;
import dev.boardcqrs.query.consistency.ReadMode;
import dev.boardcqrs.query.degrade.Served;
import dev.boardcqrs.query.list.ArticleLists;
import java.util.List;

/**
 * Reads a writer's articles, newest first: ids from the writer's counted list (and SQL below it), the articles with
 * their counts from the article reads, as a board page does; all from the database while Redis is down. This is a
 * service: no HTTP here.
 */
public final class WriterQueries {
    private final ArticleLists lists;
    private final ArticleQueries articles;

    public WriterQueries(ArticleLists lists, ArticleQueries articles) {
        this.lists = lists;
        this.articles = articles;
    }

    /** The {@code pageSize} articles of the writer below {@code lastArticleId} (from the newest when null). */
    public Served<WriterPage> articles(long writerId, int pageSize, Long lastArticleId, ReadMode mode) {
        ArticleLists.Owner writer = new ArticleLists.Owner(WriterKeys.owner(writerId), "writer_id", writerId);
        return articles.read(mode, () -> {
            ArticleLists.Ids ids = lists.after(writer, lastArticleId, pageSize, mode);
            return new WriterPage(articles.articles(ids.ids(), mode), lists.count(writer, ids.count()));
        }, () -> {
            ArticleLists.Ids ids = lists.afterFromDatabase(writer, lastArticleId, pageSize);
            return new WriterPage(articles.fromDatabase().articles(ids.ids(), ArticleQueries.current(mode)),
                    ids.count());
        });
    }

    /** A page of a writer's articles and how many the writer has. */
    public record WriterPage(List<ArticleView> articles, long articleCount) {
    }
}
