package dev.boardcqrs.command.catalog;

import static dev.boardcqrs.command.db.Rows.now;

import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.command.db.Rows;
import dev.boardcqrs.common.web.ApiException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Writes products, only ever onto leaf catalogs. This is a service: it knows nothing of HTTP. */
public final class ProductService {
    public static final int MAX_NAME_CHARACTERS = 200;
    public static final long MAX_PRICE = 1_000_000_000_000L;

    private final Database database;

    public ProductService(Database database) {
        this.database = database;
    }

    /** What a create or update sets besides the catalog. */
    public record Details(String name, long price, long displayOrder) {
    }

    public Product create(long catalogId, Details details, ProductStatus status) {
        return database.inTransaction(connection -> {
            CatalogService.lockAsLeaf(connection, catalogId);
            long id = Rows.insert(connection, "INSERT INTO product (catalog_id, name, price, status, display_order, "
                            + "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                    catalogId, details.name(), details.price(), status.name(), details.displayOrder(), now());
            return read(connection, id);
        });
    }

    public Product update(long productId, Details details) {
        return database.inTransaction(connection -> {
            lock(connection, productId);
            Rows.update(connection, "UPDATE product SET name = ?, price = ?, display_order = ?, updated_at = ? "
                    + "WHERE product_id = ?", details.name(), details.price(), details.displayOrder(), now(), productId);
            return read(connection, productId);
        });
    }

    public Product changeStatus(long productId, ProductStatus status) {
        return database.inTransaction(connection -> {
            lock(connection, productId);
            Rows.update(connection, "UPDATE product SET status = ?, updated_at = ? WHERE product_id = ?",
                    status.name(), now(), productId);
            return read(connection, productId);
        });
    }

    public Product move(long productId, long catalogId) {
        return database.inTransaction(connection -> {
            lock(connection, productId);
            CatalogService.lockAsLeaf(connection, catalogId);
            Rows.update(connection, "UPDATE product SET catalog_id = ?, updated_at = ? WHERE product_id = ?",
                    catalogId, now(), productId);
            return read(connection, productId);
        });
    }

    public void delete(long productId) {
        database.inTransaction(connection -> {
            lock(connection, productId);
            Rows.update(connection, "DELETE FROM product WHERE product_id = ?", productId);
            return null;
        });
    }

    private static void lock(Connection connection, long productId) throws SQLException {
        if (!Rows.exists(connection, "SELECT 1 FROM product WHERE product_id = ? FOR UPDATE", productId)) {
            throw notFound(productId);
        }
    }

    private static Product read(Connection connection, long productId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT product_id, catalog_id, name, price, status, display_order, updated_at "
                        + "FROM product WHERE product_id = ?")) {
            statement.setLong(1, productId);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    throw notFound(productId);
                }
                return new Product(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                        rs.getLong(6), Rows.time(rs, "updated_at"));
            }
        }
    }

    private static ApiException notFound(long productId) {
        return ApiException.notFound("product " + productId + " does not exist");
    }
}
