package dev.boardcqrs.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.boardcqrs.common.board.BoardKeys;
import dev.boardcqrs.common.redis.KeyScheme;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With engine batches of two records, a source transaction of twelve rows arrives in several batches; a
 * reader watching the model must still see it all or nothing.
 */
class TransactionAtomicityIT {
    private static final KeyScheme KEYS = new KeyScheme(KeyScheme.DEFAULT_NAMESPACE);

    private static DevStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = TestStacks.start(Map.of("COMMAND_API_PORT", "0", "QUERY_API_PORT", "0", "PROJECTOR_PORT", "0",
                "PROJECTOR_MAX_BATCH_SIZE", "2", "PROJECTOR_MAX_QUEUE_SIZE", "4"));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void shouldNeverShowHalfOfASourceTransaction() throws Exception {
        long article = stack.database().insert("INSERT INTO article (board_id, writer_id, title, content) VALUES (1, 1, 't', 'c')");
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.redis().exists(board().article(article)));
        Set<List<String>> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread reader = new Thread(() -> {
            while (watching.get()) {
                seen.add(stack.redis().hmget(board().article(article), "commentCount", "likeCount"));
            }
        }, "model-watcher");
        reader.start();

        try (Connection connection = stack.database().connectAsRoot(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            for (int i = 0; i < 9; i++) {
                statement.executeUpdate("INSERT INTO comment (article_id, writer_id, content) VALUES (" + article + ", 2, 'c')");
            }
            for (int user = 1; user <= 3; user++) {
                statement.executeUpdate("INSERT INTO article_like (article_id, user_id) VALUES (" + article + ", " + user + ")");
            }
            connection.commit();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains(List.of("9", "3")));
        watching.set(false);
        reader.join();

        assertThat(seen).as("states a reader saw").containsOnly(List.of("0", "0"), List.of("9", "3"));
    }

    /** The keys of the generation readers use now. */
    private static KeyScheme generation() {
        return KEYS.activeIn(stack.redis()).orElseThrow(() -> new AssertionError("the projector has made no generation yet"));
    }

    /** The board's keys in the generation readers use now. */
    private static BoardKeys board() {
        return BoardKeys.in(generation());
    }
}
