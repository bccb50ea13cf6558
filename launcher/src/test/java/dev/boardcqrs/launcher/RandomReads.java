package dev.boardcqrs.launcher;

import dev.boardcqrs.embedded.JsonHttp;
import java.util.Random;

/**
 * The convergence tests' reader: reads articles and board pages from query-api without a pause on a thread of its
 * own while the writes go on, so read-throughs race the projector's writes. Answers are not checked: the end state is.
 */
final class RandomReads implements AutoCloseable {
    private final JsonHttp query;
    private final Random random;
    private final Thread thread;
    private volatile boolean reading = true;

    private RandomReads(JsonHttp query, long seed) {
        this.query = query;
        this.random = new Random(seed);
        this.thread = new Thread(this::readConstantly, "convergence-reader");
    }

    static RandomReads start(JsonHttp query, long seed) {
        RandomReads reads = new RandomReads(query, seed);
        reads.thread.start();
        return reads;
    }

    private void readConstantly() {
        while (reading) {
            try {
                if (random.nextBoolean()) {
                    query.get("/articles/" + (1 + random.nextInt(200)));
                } else {
                    query.get("/boards/" + RandomWrites.BOARDS[random.nextInt(RandomWrites.BOARDS.length)]
                            + "/articles?page=" + (1 + random.nextInt(3)) + "&pageSize=" + (1 + random.nextInt(10)));
                }
            } catch (RuntimeException e) {
                // reads may fail while servers restart; the end state is what is checked
            }
        }
    }

    /** Stops reading and waits for the last read. */
    @Override
    public void close() throws InterruptedException {
        reading = false;
        thread.join();
    }
}
