package dev.boardcqrs.projector.board;

import java.util.Map;

/**
 * One change to the board query models in Redis, decided from one row change. The writer applies it only
 * if the model has not already seen the row change's position, so a change delivered twice counts once.
 */
public sealed interface ModelOp {

    /**
     * Write the article's row fields. {@code created} when the row is new (insert or snapshot read): the board
     * gains an article and a missing model may be created. Otherwise only an existing model is updated, and a
     * change of board moves the article between the boards' lists and counts.
     */
    record PutArticle(long articleId, long boardId, Long previousBoardId, boolean created, Map<String, String> fields)
            implements ModelOp {
    }

    /** Drop the article's model and take it off its board's list and count. */
    record RemoveArticle(long articleId, long boardId) implements ModelOp {
    }

    /** Add {@code delta} (+1 or -1) to the article's comment or like count. */
    record CountChange(Kind kind, long articleId, int delta) implements ModelOp {
    }

    /** A change to the catalog display model (see the catalog package); applied in the same batch. */
    record CatalogChange(dev.boardcqrs.projector.catalog.CatalogOp op) implements ModelOp {
    }

    enum Kind { COMMENT, LIKE }
}
