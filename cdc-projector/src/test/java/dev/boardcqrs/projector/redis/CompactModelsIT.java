package dev.boardcqrs.projector.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.boardcqrs.embedded.EmbeddedRedis;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * An article model with half a kilobyte of content stays one compact listpack on the Redis the stack runs (the
 * embedded one), and the projector warns when a Redis would keep it as a hash table. A Redis of its own: the test
 * changes a server setting.
 */
class CompactModelsIT {
    private static EmbeddedRedis server;
    private static RedisClient redis;

    @BeforeAll
    static void start() {
        server = EmbeddedRedis.start();
        redis = RedisClient.create(URI.create(server.url()));
    }

    @AfterAll
    static void stop() {
        redis.close();
        server.close();
    }

    @Test
    void shouldKeepAnArticleModelCompactOnTheEmbeddedRedisWithoutAWarning() {
        redis.hset("compact:g1:article:1", articleModel());

        assertThat(redis.objectEncoding("compact:g1:article:1")).isIn("ziplist", "listpack");
        assertThat(CompactModels.warning(new JedisProjectorRedis(redis))).isEmpty();
    }

    @Test
    void shouldWarnWhenRedisKeepsSuchModelsAsHashTables() {
        String setting = new JedisProjectorRedis(redis).config("hash-max-ziplist-value").get("hash-max-ziplist-value");
        redis.configSet("hash-max-ziplist-value", "64");
        try {
            redis.hset("compact:g1:article:2", articleModel());

            assertThat(redis.objectEncoding("compact:g1:article:2")).isEqualTo("hashtable");
            assertThat(CompactModels.warning(new JedisProjectorRedis(redis))).hasValueSatisfying(warning -> assertThat(
                    warning).contains("at most 64 bytes", "hash-max-listpack-value " + CompactModels.RECOMMENDED_VALUE_BYTES));
        } finally {
            redis.configSet("hash-max-ziplist-value", setting);
        }
    }

    @Test
    void shouldSayNothingWhereRedisDoesNotShowItsSettings() {
        assertThat(CompactModels.warning(new FakeRedis())).isEmpty();
    }

    private static Map<String, String> articleModel() {
        Map<String, String> model = new LinkedHashMap<>();
        model.put("articleId", "1");
        model.put("boardId", "7");
        model.put("writerId", "1001");
        model.put("title", "A title of a realistic length for a board");
        model.put("content", "Half a kilobyte of content. ".repeat(19));
        model.put("createdAt", "2026-12-01T21:00:00");
        model.put("modifiedAt", "2026-12-01T21:00:00");
        model.put("_pos", "000000000001-00000000000023120569-000001");
        model.put("commentCount", "12");
        model.put("likeCount", "3");
        return model;
    }
}
