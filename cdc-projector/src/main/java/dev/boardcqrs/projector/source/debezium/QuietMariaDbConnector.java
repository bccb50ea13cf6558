package dev.boardcqrs.projector.source.debezium;

import io.debezium.config.Configuration;
import io.debezium.connector.mariadb.MariaDbConnector;
import io.debezium.connector.mariadb.MariaDbConnectorTask;
import io.debezium.connector.mariadb.MariaDbOffsetContext;
import io.debezium.connector.mariadb.MariaDbPartition;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import java.util.List;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceRecord;

/** Debezium's MariaDB connector whose task sleeps while the binlog is quiet ({@link ArrivalWait}); the embedded engine's. */
public class QuietMariaDbConnector extends MariaDbConnector {
    @Override
    public Class<? extends Task> taskClass() {
        return QuietTask.class;
    }

    public static class QuietTask extends MariaDbConnectorTask {
        private final ArrivalWait wait = new ArrivalWait();

        @Override
        public ChangeEventSourceCoordinator<MariaDbPartition, MariaDbOffsetContext> start(Configuration config) {
            ChangeEventSourceCoordinator<MariaDbPartition, MariaDbOffsetContext> coordinator = super.start(config);
            wait.attach(this, MariaDbConnectorTask.class);
            return coordinator;
        }

        @Override
        protected List<SourceRecord> doPoll() throws InterruptedException {
            return wait.poll(super::doPoll);
        }
    }
}
