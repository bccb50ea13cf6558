package dev.boardcqrs.projector.board;

import java.util.Map;

/**
 * One idempotent change to the board query models in Redis: applying it twice leaves the same state as
 * applying it once, which is what makes at-least-once delivery safe.
 */
public sealed interface ModelOp {

    /** Write the article's row fields, refresh its counts from the member sets, and index it on its board. */
    record PutArticle(long articleId, long boardId, Long previousBoardId, Map<String, String> fields)
            implements ModelOp {
    }

    /** Drop the article's model and take it off its board. Member sets stay: they mirror rows that may remain. */
    record RemoveArticle(long articleId, long boardId) implements ModelOp {
    }

    /** Make a comment or like a member of its article's set (or not), and refresh that count in the model. */
    record Membership(Kind kind, long articleId, long memberId, boolean present) implements ModelOp {
    }

    enum Kind { COMMENT, LIKE }
}
