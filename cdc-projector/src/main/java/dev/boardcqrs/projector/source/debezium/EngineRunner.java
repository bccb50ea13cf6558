package dev.boardcqrs.projector.source.debezium;

import dev.boardcqrs.projector.apply.ProjectorStatus;
import io.debezium.embedded.Connect;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import java.io.IOException;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns one embedded Debezium engine: runs it on its own named thread, reports its start and end, and stops it,
 * committing offsets. The projector's source and the benchmark's count-only baseline both run their engine here.
 */
public final class EngineRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EngineRunner.class);

    private final DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine;
    private final ExecutorService thread;
    private volatile boolean closing;

    /** {@code onFailure} hears why the engine stopped on an error (it runs on the engine's thread). */
    public EngineRunner(Properties properties,
                        DebeziumEngine.ChangeConsumer<ChangeEvent<SourceRecord, SourceRecord>> consumer,
                        ProjectorStatus status, Consumer<Throwable> onFailure) {
        // named after the generation it fills: during a rebuild two engines run side by side
        String threadName = "cdc-engine-" + properties.getProperty("topic.prefix");
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, threadName);
            t.setDaemon(false);
            return t;
        });
        this.engine = DebeziumEngine.create(Connect.class)
                .using(properties)
                .notifying(consumer)
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        log.info("connector task started");
                        status.taskStarted();
                    }
                })
                .using((success, message, error) -> {
                    if (success || closing) {
                        // a close interrupts the batch in flight, which the engine reports as a failure
                        log.info("engine stopped: {}", success ? message : "closed during a batch");
                        status.stopped();
                    } else {
                        log.error("engine failed: {}", message, error);
                        status.failed(message);
                        onFailure.accept(EngineFailures.typed(error));
                    }
                })
                .build();
    }

    public void start() {
        thread.execute(engine);
    }

    /** Stops the engine, which waits for the batch in flight (see record.processing.shutdown.timeout.ms). */
    @Override
    public void close() {
        closing = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                engine.close();
                break;
            } catch (IOException e) {
                log.warn("engine did not close cleanly: {}", e.getMessage());
                break;
            } catch (IllegalStateException e) {
                // The engine refuses to stop while its task is starting (it says so only in the message); leaving
                // it would leak a running connector (binlog client, JMX beans). Anything else: it had already
                // stopped by itself.
                if (!String.valueOf(e.getMessage()).contains("while tasks are starting") || System.nanoTime() > deadline) {
                    log.debug("engine close: {}", e.getMessage());
                    break;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("engine thread still running 30 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
