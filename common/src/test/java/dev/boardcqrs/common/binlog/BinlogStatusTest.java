package dev.boardcqrs.common.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BinlogStatusTest {

    @Test
    void mySqlBefore82AnswersOnlyTheOldName() {
        assertThat(BinlogStatus.statement("8.0.15")).isEqualTo("SHOW MASTER STATUS");
        assertThat(BinlogStatus.statement("8.1.0")).isEqualTo("SHOW MASTER STATUS");
    }

    @Test
    void mySqlFrom82OnAnswersTheNewName() {
        assertThat(BinlogStatus.statement("8.2.0")).isEqualTo("SHOW BINARY LOG STATUS");
        assertThat(BinlogStatus.statement("8.4.3")).isEqualTo("SHOW BINARY LOG STATUS");
        assertThat(BinlogStatus.statement("9.1.0-commercial")).isEqualTo("SHOW BINARY LOG STATUS");
    }

    @Test
    void mariaDbAnswersTheOldNameInEveryVersion() {
        assertThat(BinlogStatus.statement("11.4.5-MariaDB-log")).isEqualTo("SHOW MASTER STATUS");
        assertThat(BinlogStatus.statement("5.5.5-10.11.6-MariaDB")).isEqualTo("SHOW MASTER STATUS");
    }

    @Test
    void somethingElseIsRefusedWithTheVersionInTheMessage() {
        assertThatThrownBy(() -> BinlogStatus.statement("unknown")).hasMessageContaining("'unknown'");
    }
}
