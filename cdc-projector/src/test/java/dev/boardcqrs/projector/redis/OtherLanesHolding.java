package dev.boardcqrs.projector.redis;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.boardcqrs.projector.redis.ProjectorRedis.Read;
import dev.boardcqrs.projector.redis.ProjectorRedis.Transaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.ConnectionPoolConfig;

/**
 * Lanes in the middle of their commits: each holds its transaction's connection (to the node of the watched meta)
 * while it goes on to borrow others. A commit must not wait for connections that lanes hold this way.
 */
final class OtherLanesHolding {
    private OtherLanesHolding() {
    }

    /**
     * Opens as many transactions as Jedis' default pool holds, each watching {@code meta}, then commits as a lane
     * does (watch with the reads, a model field and the position in MULTI/EXEC), and answers EXEC's replies.
     * Fails when that commit is not done in 20 s (waiting for a free connection, for ever).
     */
    static List<Object> commitWhileOthersHold(ProjectorRedis redis, String meta, String model) {
        List<Transaction> holding = new ArrayList<>();
        try {
            for (int i = 0; i < new ConnectionPoolConfig().getMaxTotal(); i++) {
                Transaction tx = redis.transaction();
                holding.add(tx);
                tx.watch(meta);
            }
            return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                try (Transaction tx = redis.transaction()) {
                    redis.watchAndRead(tx, List.of(meta), List.of(CountedLists.SCRIPT),
                            List.of(Read.hashField(meta, "watermark@t-0")));
                    tx.multi();
                    tx.hset(model, "title", "t");
                    tx.hset(meta, "watermark@t-0", "1");
                    return tx.exec();
                }
            }, "a commit waited for a connection other lanes hold");
        } finally {
            holding.forEach(Transaction::close);
        }
    }
}
