package dev.boardcqrs.command.catalog;

import dev.boardcqrs.common.web.ApiException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What the shop does with a product: only ON_SALE products are displayed. */
public enum ProductStatus {
    ON_SALE, SOLD_OUT, HIDDEN;

    public static ProductStatus parse(String field, String value) {
        for (ProductStatus status : values()) {
            if (status.name().equals(value)) {
                return status;
            }
        }
        throw ApiException.badRequest(field + " must be one of " + Arrays.stream(values()).map(Enum::name)
                .collect(Collectors.joining(", ")));
    }
}
