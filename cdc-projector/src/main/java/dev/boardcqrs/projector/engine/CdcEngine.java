package dev.boardcqrs.projector.engine;

import dev.boardcqrs.projector.apply.ProjectorStatus;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.ChangeEvent;
import java.io.IOException;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Owns the embedded Debezium engine: runs it on its own named thread and stops it, committing offsets. */
public final class CdcEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CdcEngine.class);

    private final DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine;
    private final ExecutorService thread;
    private final DebeziumEngine.ChangeConsumer<ChangeEvent<SourceRecord, SourceRecord>> consumer;

    /** {@code onFailure} hears why the engine stopped on an error (it runs on the engine's thread). */
    public CdcEngine(Properties properties,
                     DebeziumEngine.ChangeConsumer<ChangeEvent<SourceRecord, SourceRecord>> consumer,
                     ProjectorStatus status, Consumer<Throwable> onFailure) {
        this.consumer = consumer;
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
                        onFailure.accept(error);
                    }
                })
                .build();
    }

    private volatile boolean closing;

    public void start() {
        thread.execute(engine);
    }

    @Override
    public void close() {
        if (consumer instanceof OverlappingConsumer overlapping) {
            overlapping.finishInFlight(); // before the engine's last offset commit
        }
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
                // The engine refuses to stop while its task is starting; leaving it would leak a running
                // connector (binlog client, JMX beans). Anything else: it had already stopped by itself.
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
        if (consumer instanceof OverlappingConsumer overlapping) {
            overlapping.stop();
        }
    }
}
