package dev.boardcqrs.query;

import dev.boardcqrs.query.article.BoardReadModel;
import dev.boardcqrs.query.catalog.CatalogReadModel;
import dev.boardcqrs.query.search.SearchReadModel;
import dev.boardcqrs.query.writer.WriterReadModel;
import java.util.List;

/** The read models query-api serves. A new read model is its package and one more line here. */
public final class ReadModels {
    private ReadModels() {
    }

    public static List<ReadModel> all(ReadServices services) {
        BoardReadModel board = new BoardReadModel(services);
        return List.of(
                board,
                new CatalogReadModel(services),
                new WriterReadModel(services, board.articles()),
                new SearchReadModel(services, board.articles()));
    }
}
