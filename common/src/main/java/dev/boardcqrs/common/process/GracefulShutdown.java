package dev.boardcqrs.common.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * How every service stops: on SIGTERM (docker stop, systemd, Kubernetes, kill) or Ctrl-C it runs its stop
 * steps in order and exits 0. A requested stop is not a failure, but the JVM's own SIGTERM handling exits with
 * 143, which supervisors report as a crash; so SIGTERM here becomes System.exit(0), which runs the same hook.
 */
public final class GracefulShutdown {
    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);

    private GracefulShutdown() {
    }

    /** Runs {@code stop} when the process is asked to stop; the thread is named after the service. */
    public static void install(String service, Runnable stop) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("{} stopping", service);
            stop.run();
            log.info("{} stopped", service);
        }, service + "-shutdown"));
        Signal.handle(new Signal("TERM"), signal -> {
            log.info("{} received SIGTERM", service);
            System.exit(0);
        });
    }
}
