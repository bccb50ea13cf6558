package dev.boardcqrs.command.catalog;

/** A catalog row as command-api answers it; {@code parentId} is null for a root. */
public record Catalog(long catalogId, Long parentId, String name, long displayOrder) {
}
