package dev.boardcqrs.projector.generation;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.projector.ProjectorConfig;
import java.nio.file.Path;

/**
 * One generation of the query models (g1, g2, ...): its keys in Redis and the engine state that feeds it.
 * Each generation has its own offset and schema history files, so a rebuild's engine can snapshot while the
 * active generation's engine keeps streaming.
 */
public record Generation(long number) {

    public Generation {
        if (number < 1) {
            throw new IllegalArgumentException("generations are numbered from 1, not " + number);
        }
    }

    /** "g7" to Generation(7); null for anything else. */
    public static Generation parse(String name) {
        if (name == null || !name.matches("g[1-9][0-9]{0,17}")) {
            return null;
        }
        return new Generation(Long.parseLong(name.substring(1)));
    }

    public String name() {
        return "g" + number;
    }

    public KeyScheme keys(String namespace) {
        return new KeyScheme(namespace).inGeneration(name());
    }

    /** data/projector-offsets.dat becomes data/projector-offsets-g7.dat. */
    public Path offsetFile(ProjectorConfig config) {
        return suffixed(config.offsetFile());
    }

    public Path schemaHistoryFile(ProjectorConfig config) {
        return suffixed(config.schemaHistoryFile());
    }

    /**
     * Two binlog readers with one server id make the server drop the older one, so the engines of consecutive
     * generations, which run side by side during a rebuild, prefer ids that differ in the lowest bit of
     * PROJECTOR_SERVER_ID (the source takes the other one when this one is in use).
     */
    public long serverId(ProjectorConfig config) {
        return config.serverId() ^ (number & 1);
    }

    private Path suffixed(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String suffixed = dot > 0 ? name.substring(0, dot) + "-" + name() + name.substring(dot) : name + "-" + name();
        return file.resolveSibling(suffixed);
    }

    @Override
    public String toString() {
        return name();
    }
}
