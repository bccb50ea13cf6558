package dev.boardcqrs.query.catalog;

import java.util.List;

/** A product on sale as the display shows it; {@code price} in minor units (cents). */
public record ProductView(long productId, long catalogId, String name, long price, long displayOrder,
                          String updatedAt) {

    /** One page of a catalog's products and how many it has in all. */
    public record Page(List<ProductView> products, long total) {
    }
}
