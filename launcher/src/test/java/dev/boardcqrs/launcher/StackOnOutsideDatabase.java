package dev.boardcqrs.launcher;

import dev.boardcqrs.common.logging.Logging;
import dev.boardcqrs.embedded.EmbeddedMariaDb;

/**
 * The launcher's Main on the board database of a MariaDB that a test runs (its port is the argument), for
 * {@link StackStopIT}: the launcher's own MariaDB stops with it, so nothing would be left to read what the stack
 * wrote on its way down. Its Redis, command-api, projector and query-api are the launcher's, in this JVM.
 */
final class StackOnOutsideDatabase {
    private StackOnOutsideDatabase() {
    }

    public static void main(String[] args) throws Exception {
        Logging.routeJavaUtilLogging();
        Main.run(DevStack.startOn(System.getenv(), EmbeddedMariaDb.attach(Integer.parseInt(args[0]))));
    }
}
