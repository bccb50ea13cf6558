package dev.boardcqrs.launcher;

import dev.boardcqrs.common.config.ConfigException;
import dev.boardcqrs.common.logging.Logging;
import dev.boardcqrs.common.process.GracefulShutdown;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the whole stack on embedded defaults until Ctrl-C, printing one line per endpoint when it is ready.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Logging.routeJavaUtilLogging();
        DevStack stack;
        try {
            Map<String, String> environment = new HashMap<>(System.getenv());
            // the stack a person runs searches, on an embedded node unless SEARCH_URL names one
            environment.putIfAbsent("SEARCH_ENABLED", "true");
            stack = DevStack.start(environment);
        } catch (ConfigException e) {
            System.err.println("board-cqrs: " + e.getMessage());
            System.exit(2);
            return;
        }
        run(stack);
    }

    /** Prints the endpoints and runs until the process is asked to stop (SIGTERM, Ctrl-C), then stops the stack. */
    static void run(DevStack stack) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        GracefulShutdown.install("board-cqrs", () -> {
            stack.close();
            stopped.countDown();
        });
        stack.endpoints().forEach(System.out::println);
        System.out.println("board-cqrs is running; press Ctrl-C to stop");
        System.out.flush();
        stopped.await();
    }
}
