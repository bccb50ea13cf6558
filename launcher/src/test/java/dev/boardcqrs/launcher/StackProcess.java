package dev.boardcqrs.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stack in a JVM of its own, as a person runs it: a java command whose endpoint lines ("command-api URL", ...)
 * are read from its output as it prints them. Tests stop it with SIGTERM through {@link #process()}.
 */
final class StackProcess {
    private static final List<String> NAMES = List.of("command-api", "query-api", "cdc-projector", "database", "redis",
            "search", "jwt-secret", "projector-admin-token", "token-user-1");

    private final Process process;
    private final Map<String, String> endpoints = new ConcurrentHashMap<>();

    private StackProcess(Process process) {
        this.process = process;
    }

    /** Runs {@code java ARGUMENTS} with these variables on top of this JVM's environment. */
    static StackProcess start(Map<String, String> environment, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        StackProcess stack = new StackProcess(builder.start());
        Thread reader = new Thread(stack::readEndpoints, "stack-output");
        reader.setDaemon(true);
        reader.start();
        return stack;
    }

    Process process() {
        return process;
    }

    /** The endpoint lines printed so far, by name. */
    Map<String, String> endpoints() {
        return endpoints;
    }

    private void readEndpoints() {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.contains(" WARN ") || line.contains(" ERROR ")) {
                    System.out.println("[stack] " + line); // into the test's report, for whoever reads a failure
                }
                String[] parts = line.split(" ");
                if (parts.length == 2 && NAMES.contains(parts[0])) {
                    endpoints.put(parts[0], parts[1]);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}
