package dev.boardcqrs.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlScriptTest {

    @Test
    void shouldSplitTheSchemaIntoOneStatementPerTableWithoutComments() {
        assertThat(SqlScript.statements(SqlScript.resource("sql/schema.sql")))
                .hasSize(6)
                .allSatisfy(statement -> assertThat(statement).startsWith("CREATE TABLE IF NOT EXISTS").doesNotContain("--"));
    }

    @Test
    void shouldKeepAStatementThatSpansLines() {
        assertThat(SqlScript.statements("-- note\nSELECT 1,\n  2;\nSELECT 3;\n"))
                .containsExactly("SELECT 1,\n  2", "SELECT 3");
    }
}
