package dev.boardcqrs.command.catalog;

/** A product row as command-api answers it; {@code price} in minor units (cents). */
public record Product(long productId, long catalogId, String name, long price, String status, long displayOrder,
                      String updatedAt) {
}
