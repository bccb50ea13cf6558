package dev.boardcqrs.projector.source.debezium;

import io.debezium.config.Configuration;
import io.debezium.connector.mysql.MySqlConnector;
import io.debezium.connector.mysql.MySqlConnectorTask;
import io.debezium.connector.mysql.MySqlOffsetContext;
import io.debezium.connector.mysql.MySqlPartition;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import java.util.List;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceRecord;

/** Debezium's MySQL connector whose task sleeps while the binlog is quiet ({@link ArrivalWait}); the embedded engine's. */
public class QuietMySqlConnector extends MySqlConnector {
    @Override
    public Class<? extends Task> taskClass() {
        return QuietTask.class;
    }

    public static class QuietTask extends MySqlConnectorTask {
        private final ArrivalWait wait = new ArrivalWait();

        @Override
        public ChangeEventSourceCoordinator<MySqlPartition, MySqlOffsetContext> start(Configuration config) {
            ChangeEventSourceCoordinator<MySqlPartition, MySqlOffsetContext> coordinator = super.start(config);
            wait.attach(this, MySqlConnectorTask.class);
            return coordinator;
        }

        @Override
        public List<SourceRecord> doPoll() throws InterruptedException {
            return wait.poll(super::doPoll);
        }
    }
}
