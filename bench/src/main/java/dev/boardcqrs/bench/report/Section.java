package dev.boardcqrs.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one scenario found: a table for people (columns and rows of text), the numbers behind it for scripts
 * and tests ({@code data}), and notes saying what was measured how.
 */
public record Section(String scenario, String title, List<String> columns, List<List<String>> rows,
                      Map<String, Object> data, List<String> notes) {

    public static Section of(String scenario, String title, String... columns) {
        return new Section(scenario, title, List.of(columns), new ArrayList<>(), new LinkedHashMap<>(),
                new ArrayList<>());
    }

    public Section row(Object... cells) {
        List<String> row = new ArrayList<>(cells.length);
        for (Object cell : cells) {
            row.add(Format.cell(cell));
        }
        rows.add(row);
        return this;
    }

    public Section note(String note) {
        notes.add(note);
        return this;
    }

    public Section put(String key, Object value) {
        data.put(key, value);
        return this;
    }
}
