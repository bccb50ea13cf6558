package dev.boardcqrs.embedded;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A main class of ours in a JVM of its own, run with {@code java -cp} on the files a "dist" jar on our classpath
 * holds ({@code DIST/classes/}, {@code DIST/lib/*.jar}, {@code DIST/classpath.txt}, the libraries in classpath order),
 * unpacked into a private directory that also takes the process's data and its log. The process's standard input
 * stays a pipe we never write to: our main classes exit when it closes, so they die with this JVM, even by SIGKILL.
 * {@link #stop()}, called by a shutdown hook at the latest, ends the process and its children and removes the
 * directory.
 */
final class DistProcess {
    private static final Logger log = LoggerFactory.getLogger(DistProcess.class);

    private final String name;
    private final String dist;
    private final List<String> jvmOptions;
    private final String mainClass;
    private final Path home;
    private final Thread stopOnExit;
    private Process process;

    /**
     * {@code name} says what runs, in messages; {@code dist} is the artifactId whose dist jar holds the files; the
     * process runs {@code java JVM_OPTIONS -cp ... MAIN_CLASS}.
     */
    DistProcess(String name, String dist, List<String> jvmOptions, String mainClass) {
        this.name = name;
        this.dist = dist + "/";
        this.jvmOptions = List.copyOf(jvmOptions);
        this.mainClass = mainClass;
        try {
            this.home = Files.createTempDirectory(dist + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("no temporary directory for " + name, e);
        }
        this.stopOnExit = new Thread(this::stop, dist + "-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    Path home() {
        return home;
    }

    /** Writes the files the process reads into {@link #home()} (a config file, say) and answers its arguments. */
    interface Setup {
        List<String> arguments() throws IOException;
    }

    /** Answers whether the server is ready; an {@link IOException} means not yet (not listening, say). */
    interface Readiness {
        boolean ready() throws IOException, InterruptedException;
    }

    /**
     * Writes the process's files, starts it and waits until {@code readiness} says so, then logs where it serves
     * ({@code address}) and how long that took. A process that does not start or get ready is stopped and its
     * directory removed, and the failure is thrown.
     */
    void startReady(Setup setup, Duration timeout, Readiness readiness, String address) {
        long started = System.nanoTime();
        try {
            start(setup.arguments());
            await(timeout, readiness, "ready");
        } catch (IOException | RuntimeException e) {
            stop();
            throw new IllegalStateException("embedded " + name + " did not start: " + e.getMessage(), e);
        }
        log.info("{} started on {} in {} ms", name, address,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** Unpacks the files and starts {@code java JVM_OPTIONS -cp ... MAIN_CLASS ARGUMENTS}, its output in a log. */
    private void start(List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Djava.io.tmpdir=" + home);
        command.add("-cp");
        command.add(unpack());
        command.add(mainClass);
        command.addAll(arguments);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log().toFile()).start();
    }

    /** Copies the classes and libraries out of the dist jar; answers the classpath to run them with. */
    private String unpack() throws IOException {
        Path files = home.resolve("dist");
        List<String> entries = new ArrayList<>();
        entries.add(files.resolve("classes").toString());
        String libraries = new String(resource("classpath.txt").readAllBytes(), StandardCharsets.UTF_8).trim();
        for (String library : libraries.split(":")) {
            copy(library, files);
            entries.add(files.resolve(library).toString());
        }
        copy("classes/" + mainClass.replace('.', '/') + ".class", files);
        return String.join(File.pathSeparator, entries);
    }

    private InputStream resource(String file) throws IOException {
        InputStream in = DistProcess.class.getClassLoader().getResourceAsStream(dist + file);
        if (in == null) {
            throw new IOException(dist + file + " is not on the classpath (dev.boardcqrs:" + dist.replace("/", "")
                    + ":dist; build it with mvn package)");
        }
        return in;
    }

    private void copy(String file, Path files) throws IOException {
        Path target = files.resolve(file);
        Files.createDirectories(target.getParent());
        try (InputStream in = resource(file)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Waits until {@code readiness} says so ({@code what}: what it waits for, in the failure's message); fails
     * early, with the log's end, if the process exits first.
     */
    void await(Duration timeout, Readiness readiness, String what) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException(name + " exited with " + process.exitValue() + ": " + lastLogLines());
                }
                try {
                    if (readiness.ready()) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException(name + " not " + what + " within " + timeout.toSeconds() + " s: "
                            + lastLogLines());
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + name, e);
        }
    }

    String lastLogLines() {
        try {
            List<String> lines = Files.readAllLines(log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "no log (" + e.getMessage() + ")";
        }
    }

    private Path log() {
        return home.resolve("process.log");
    }

    /** Whether {@link #stop()} has run: the directory is gone. */
    boolean stopped() {
        return !Files.exists(home);
    }

    /**
     * Ends the process and its children (SIGTERM, so a server closes its files; SIGKILL after 30 s) and removes the
     * directory. Stopping twice is harmless.
     */
    synchronized void stop() {
        if (stopped()) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException exiting) {
            // this is the hook running, or another one
        }
        if (process != null) {
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    log.warn("{} did not stop within 30 s: killing it", name);
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            children.forEach(ProcessHandle::destroyForcibly);
        }
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.warn("could not remove {}'s files in {}: {}", name, home, e.getMessage());
        }
    }
}
