package dev.boardcqrs.query.catalog;

import java.util.List;

/** A displayed catalog with its displayed children, in display order. */
public record CatalogNode(long catalogId, String name, long displayOrder, long sellableCount,
                          List<CatalogNode> children) {
}
