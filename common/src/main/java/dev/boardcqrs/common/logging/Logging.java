package dev.boardcqrs.common.logging;

import org.slf4j.bridge.SLF4JBridgeHandler;

/** Sends java.util.logging (used by the binlog client) through SLF4J, so every line has one format. */
public final class Logging {
    private Logging() {
    }

    public static void routeJavaUtilLogging() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
