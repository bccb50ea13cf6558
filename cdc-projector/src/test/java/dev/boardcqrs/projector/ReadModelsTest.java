package dev.boardcqrs.projector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.projector.redis.RedisBatch;
import dev.boardcqrs.projector.redis.RedisProjection;
import dev.boardcqrs.projector.redis.RedisProjection.Planned;
import dev.boardcqrs.projector.redis.ReplyCheck;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.RowChange.Operation;
import dev.boardcqrs.projector.source.SourcePosition;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which guard the board and writer lists get from the configuration: per article only when the changes come from
 * Kafka (docs/kafka-mode.md), since it costs a hash field per article; the embedded engine's one order needs none.
 */
class ReadModelsTest {
    private static final RowChange NEW_ARTICLE = new RowChange("article", Operation.CREATE, null, article(),
            new SourcePosition("bin.000001", 120, 1, 0, null, false, false), 0);

    @Test
    void shouldGuardBoardAndWriterListsPerArticleOnlyWhenTheSourceIsKafka() {
        assertThat(guardsTold(Map.of("PROJECTOR_SOURCE", "kafka"))).containsExactly("article", "article");
        assertThat(guardsTold(Map.of("PROJECTOR_SOURCE", "embedded"))).containsExactly("owner", "owner");
        assertThat(guardsTold(Map.of())).containsExactly("owner", "owner");
    }

    /** The guard each list script is told for a new article, in the order the read models queue them. */
    private static List<String> guardsTold(Map<String, String> environment) {
        List<String> guards = new ArrayList<>();
        RedisBatch batch = new RedisBatch() {
            @Override
            public KeyScheme generation() {
                return new KeyScheme("readmodels").inGeneration("g1");
            }

            @Override
            public void call(LuaScript script, List<String> keys, List<String> args, int writes, ReplyCheck replies) {
                args.stream().filter(arg -> arg.equals("owner") || arg.equals("article")).forEach(guards::add);
            }
        };
        for (RedisProjection<?> projection : ReadModels.redis(ProjectorConfig.fromEnv(new Env(environment)))) {
            queue(projection, batch);
        }
        return guards;
    }

    private static <W> void queue(RedisProjection<W> projection, RedisBatch batch) {
        if (projection.tables().contains(NEW_ARTICLE.table())) {
            projection.queue(projection.plan(NEW_ARTICLE).stream()
                    .map(write -> new Planned<>(write, NEW_ARTICLE.position().sortKey(), false)).toList(), batch);
        }
    }

    private static Map<String, Object> article() {
        Map<String, Object> row = new HashMap<>();
        row.put("article_id", 5L);
        row.put("board_id", 2L);
        row.put("writer_id", 9L);
        row.put("title", "title");
        row.put("content", "content");
        row.put("created_at", LocalDateTime.of(2026, 12, 2, 8, 0));
        row.put("modified_at", LocalDateTime.of(2026, 12, 2, 8, 0));
        return row;
    }
}
