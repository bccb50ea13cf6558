package dev.boardcqrs.projector.redis;

import dev.boardcqrs.common.board.ArticleModel;
import dev.boardcqrs.common.board.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.projector.board.ModelOp;
import dev.boardcqrs.projector.board.ModelOp.Kind;
import dev.boardcqrs.projector.board.ModelOp.Membership;
import dev.boardcqrs.projector.board.ModelOp.PutArticle;
import dev.boardcqrs.projector.board.ModelOp.RemoveArticle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Applies model operations to Redis: one Lua script call per operation, all of a batch in one pipeline,
 * and returns only when Redis has acknowledged every one of them.
 */
public final class RedisModelWriter {
    private final UnifiedJedis redis;
    private final KeyScheme keys;
    private final LuaScript putArticle = LuaScript.resource("lua/put_article.lua");
    private final LuaScript removeArticle = LuaScript.resource("lua/remove_article.lua");
    private final LuaScript membership = LuaScript.resource("lua/membership.lua");

    public RedisModelWriter(UnifiedJedis redis, KeyScheme keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public void apply(List<ModelOp> ops) {
        if (ops.isEmpty()) {
            return;
        }
        try {
            pipeline(ops);
        } catch (JedisNoScriptException e) {
            // A new or restarted Redis does not know the scripts yet: load them and redo the batch,
            // which is safe because every operation is idempotent.
            for (LuaScript script : List.of(putArticle, removeArticle, membership)) {
                redis.scriptLoad(script.source());
            }
            pipeline(ops);
        }
    }

    private void pipeline(List<ModelOp> ops) {
        List<Response<Object>> responses = new ArrayList<>(ops.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (ModelOp op : ops) {
                responses.add(call(pipeline, op));
            }
            pipeline.sync();
        }
        for (Response<Object> response : responses) {
            response.get(); // throws the error Redis answered for that call, if any
        }
    }

    private Response<Object> call(AbstractPipeline pipeline, ModelOp op) {
        if (op instanceof PutArticle put) {
            return putArticle.call(pipeline, List.of(
                            keys.article(put.articleId()),
                            keys.articleComments(put.articleId()),
                            keys.articleLikes(put.articleId()),
                            keys.boardArticles(put.boardId()),
                            keys.boardArticles(put.previousBoardId() == null ? put.boardId() : put.previousBoardId())),
                    withFields(Long.toString(put.articleId()), put.fields()));
        }
        if (op instanceof RemoveArticle remove) {
            return removeArticle.call(pipeline,
                    List.of(keys.article(remove.articleId()), keys.boardArticles(remove.boardId())),
                    List.of(Long.toString(remove.articleId())));
        }
        Membership member = (Membership) op;
        boolean comment = member.kind() == Kind.COMMENT;
        return membership.call(pipeline,
                List.of(comment ? keys.articleComments(member.articleId()) : keys.articleLikes(member.articleId()),
                        keys.article(member.articleId())),
                List.of(member.present() ? "1" : "0", Long.toString(member.memberId()),
                        comment ? ArticleModel.COMMENT_COUNT : ArticleModel.LIKE_COUNT));
    }

    private static List<String> withFields(String first, Map<String, String> fields) {
        List<String> args = new ArrayList<>(1 + fields.size() * 2);
        args.add(first);
        fields.forEach((field, value) -> {
            args.add(field);
            args.add(value == null ? "" : value);
        });
        return args;
    }
}
