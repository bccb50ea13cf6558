package dev.boardcqrs.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one benchmark run found; written as Markdown for people and JSON for scripts. */
public final class Results {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, Object> machine = new LinkedHashMap<>();
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final List<Section> sections = new ArrayList<>();
    private final List<TargetCheck> targets = new ArrayList<>();

    public Map<String, Object> machine() {
        return machine;
    }

    public Map<String, Object> settings() {
        return settings;
    }

    public Section add(Section section) {
        sections.add(section);
        return section;
    }

    public List<Section> sections() {
        return sections;
    }

    public void target(TargetCheck check) {
        targets.add(check);
    }

    /** Writes NAME.md and NAME.json into {@code directory} and returns both paths. */
    public List<Path> write(Path directory, String name) throws IOException {
        Files.createDirectories(directory);
        Path json = directory.resolve(name + ".json");
        Path markdown = directory.resolve(name + ".md");
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("machine", machine);
        all.put("settings", settings);
        all.put("targets", targets);
        all.put("sections", sections);
        MAPPER.writeValue(json.toFile(), all);
        Files.writeString(markdown, markdown());
        return List.of(markdown, json);
    }

    String markdown() {
        StringBuilder md = new StringBuilder("# board-cqrs benchmark\n\n");
        md.append("Machine and settings:\n\n");
        machine.forEach((key, value) -> md.append("- ").append(key).append(": ").append(value).append('\n'));
        settings.forEach((key, value) -> md.append("- ").append(key).append(": ").append(value).append('\n'));
        md.append("\n## Targets\n\n");
        table(md, List.of("target", "measured", "held", "margin"), targets.stream()
                .map(t -> List.of(t.target(), t.measured(), t.held() ? "yes" : "**no**", t.margin())).toList());
        for (Section section : sections) {
            md.append("\n## ").append(section.title()).append("\n\n");
            table(md, section.columns(), section.rows());
            if (!section.notes().isEmpty()) {
                md.append('\n');
                section.notes().forEach(note -> md.append("- ").append(note).append('\n'));
            }
        }
        return md.toString();
    }

    private static void table(StringBuilder md, List<String> columns, List<List<String>> rows) {
        md.append("| ").append(String.join(" | ", columns)).append(" |\n|");
        columns.forEach(column -> md.append("---|"));
        md.append('\n');
        rows.forEach(row -> md.append("| ").append(String.join(" | ", row)).append(" |\n"));
    }
}
