package dev.boardcqrs.projector.search;

import java.util.Map;

/**
 * One document a change writes: {@code document} is its full source, or null for a delete, which the store writes as
 * a tombstone ({@code {"deleted": true}}) so the delete's version stays in the index for good.
 */
public record SearchWrite(String id, Map<String, Object> document) {

    public static SearchWrite delete(String id) {
        return new SearchWrite(id, null);
    }

    public boolean isDelete() {
        return document == null;
    }
}
