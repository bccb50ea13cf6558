package dev.boardcqrs.launcher;

import dev.boardcqrs.common.logging.Logging;
import dev.boardcqrs.embedded.DatabaseKind;
import dev.boardcqrs.embedded.EmbeddedDatabase;

/**
 * The launcher's Main on the board database of a server that a test runs (its kind and port are the arguments),
 * for {@link StackStopIT}: the launcher's own database stops with it, so nothing would be left to read what the stack
 * wrote on its way down. Its Redis, command-api, projector and query-api are the launcher's, in this JVM.
 */
final class StackOnOutsideDatabase {
    private StackOnOutsideDatabase() {
    }

    public static void main(String[] args) throws Exception {
        Logging.routeJavaUtilLogging();
        DatabaseKind kind = DatabaseKind.parse("kind", args[0]);
        Main.run(DevStack.startOn(System.getenv(), EmbeddedDatabase.attach(kind, Integer.parseInt(args[1]))));
    }
}
