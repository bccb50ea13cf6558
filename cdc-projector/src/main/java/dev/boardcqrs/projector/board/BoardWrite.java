package dev.boardcqrs.projector.board;

import dev.boardcqrs.common.board.ArticleModel;
import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.projector.redis.RedisBatch;
import dev.boardcqrs.projector.redis.RedisProjection.Planned;
import dev.boardcqrs.projector.redis.ReplyCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One change to the board read model, decided from one row change. Each case queues its own script call, so a
 * new case cannot be forgotten by the writer. A model applies a write only if it has not already seen the row
 * change's position, so a change delivered twice counts once.
 */
public sealed interface BoardWrite {

    /** The article whose model the write touches. */
    long articleId();

    /** Queues this write alone. */
    void queue(Planned<BoardWrite> planned, BoardProjection board, RedisBatch batch);

    /**
     * Write the article's row fields. {@code created} when the row is new (insert or snapshot read): the board
     * gains an article and a missing model may be created. Otherwise only an existing model is updated, and a
     * change of board moves the article between the boards' lists and counts.
     */
    record PutArticle(long articleId, long boardId, Long previousBoardId, boolean created, Map<String, String> fields)
            implements BoardWrite {

        @Override
        public void queue(Planned<BoardWrite> planned, BoardProjection board, RedisBatch batch) {
            BoardKeys keys = BoardKeys.in(batch.generation());
            long previous = previousBoardId == null ? boardId : previousBoardId;
            String mode = planned.snapshot() ? "snapshot" : created ? "create" : "update";
            if (batch.slotted()) {
                queueBySlot(planned, board, batch, keys, previous, mode);
                return;
            }
            List<String> args = new ArrayList<>(List.of(Long.toString(articleId), planned.position(), mode,
                    Long.toString(board.ttlSeconds()), Integer.toString(board.listLength()),
                    board.guard().argument()));
            fields.forEach((field, value) -> {
                args.add(field);
                args.add(value == null ? "" : value);
            });
            batch.call(BoardProjection.PUT_ARTICLE, List.of(keys.article(articleId), keys.board(boardId),
                    keys.boardArticles(boardId), keys.board(previous), keys.boardArticles(previous),
                    keys.articleMissed(articleId)), args, 1, ReplyCheck.APPLIED);
        }

        /** The model in its article's slot, then each board's count and list in the board's own (see put_article.lua). */
        private void queueBySlot(Planned<BoardWrite> planned, BoardProjection board, RedisBatch batch,
                                 BoardKeys keys, long previous, String mode) {
            List<String> args = new ArrayList<>(List.of("put", planned.position(), mode,
                    Long.toString(board.ttlSeconds())));
            fields.forEach((field, value) -> {
                args.add(field);
                args.add(value == null ? "" : value);
            });
            batch.call(BoardProjection.ARTICLE_MODEL, List.of(keys.article(articleId), keys.articleMissed(articleId)),
                    args, 1, ReplyCheck.APPLIED);
            if (mode.equals("update")) {
                if (previous == boardId) {
                    return;
                }
                board.queueListChange(planned, articleId, previous, -1, batch);
            }
            board.queueListChange(planned, articleId, boardId, +1, batch);
        }
    }

    /** Drop the article's model and take it off its board's list and count. */
    record RemoveArticle(long articleId, long boardId) implements BoardWrite {

        @Override
        public void queue(Planned<BoardWrite> planned, BoardProjection board, RedisBatch batch) {
            BoardKeys keys = BoardKeys.in(batch.generation());
            if (batch.slotted()) {
                batch.call(BoardProjection.ARTICLE_MODEL, List.of(keys.article(articleId),
                        keys.articleMissed(articleId)), List.of("remove", planned.position()), 1, ReplyCheck.APPLIED);
                board.queueListChange(planned, articleId, boardId, -1, batch);
                return;
            }
            batch.call(BoardProjection.REMOVE_ARTICLE, List.of(keys.article(articleId), keys.board(boardId),
                    keys.boardArticles(boardId), keys.articleMissed(articleId)),
                    List.of(Long.toString(articleId), planned.position(), board.guard().argument()), 1,
                    ReplyCheck.APPLIED);
        }
    }

    /** Add {@code delta} (+1 or -1) to the article's comment or like count. */
    record CountChange(Kind kind, long articleId, int delta) implements BoardWrite {

        @Override
        public void queue(Planned<BoardWrite> planned, BoardProjection board, RedisBatch batch) {
            board.queueCounts(List.of(new BoardProjection.Counted(this, planned)), batch);
        }

        String field() {
            return kind == Kind.COMMENT ? ArticleModel.COMMENT_COUNT : ArticleModel.LIKE_COUNT;
        }
    }

    enum Kind { COMMENT, LIKE }
}
