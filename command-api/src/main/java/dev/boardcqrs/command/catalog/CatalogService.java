package dev.boardcqrs.command.catalog;

import dev.boardcqrs.command.db.Database;
import dev.boardcqrs.command.db.Rows;
import dev.boardcqrs.common.web.ApiException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes catalogs, keeping the tree a tree: products only on leaves, no cycles, no deleting a catalog that
 * still holds something. Each rule is checked in the transaction that writes, on locked rows. This is a
 * service: it knows nothing of HTTP.
 */
public final class CatalogService {
    public static final int MAX_NAME_CHARACTERS = 100;
    /** Deeper trees are refused: the projector walks ancestor paths inside Redis and bounds the walk. */
    public static final int MAX_DEPTH = 32;

    private final Database database;

    public CatalogService(Database database) {
        this.database = database;
    }

    public Catalog create(Long parentId, String name, long displayOrder) {
        return database.inTransaction(connection -> {
            if (parentId != null) {
                lockAsParent(connection, parentId);
                requireDepthBelow(connection, parentId, 0);
            }
            long id = Rows.insert(connection, "INSERT INTO catalog (parent_id, name, display_order) VALUES (?, ?, ?)",
                    parentId, name, displayOrder);
            return new Catalog(id, parentId, name, displayOrder);
        });
    }

    public Catalog rename(long catalogId, String name) {
        return database.inTransaction(connection -> {
            lock(connection, catalogId);
            Rows.update(connection, "UPDATE catalog SET name = ? WHERE catalog_id = ?", name, catalogId);
            return read(connection, catalogId);
        });
    }

    public Catalog reorder(long catalogId, long displayOrder) {
        return database.inTransaction(connection -> {
            lock(connection, catalogId);
            Rows.update(connection, "UPDATE catalog SET display_order = ? WHERE catalog_id = ?", displayOrder, catalogId);
            return read(connection, catalogId);
        });
    }

    /**
     * Re-parents a catalog (null makes it a root). Moves lock every catalog row first, so two moves that would
     * together close a cycle (A under B, B under A) run one after the other and the second sees the first.
     */
    public Catalog move(long catalogId, Long parentId) {
        return database.inTransaction(connection -> {
            Rows.exists(connection, "SELECT catalog_id FROM catalog FOR UPDATE");
            lock(connection, catalogId);
            if (parentId != null) {
                lockAsParent(connection, parentId);
                if (ancestorsOf(connection, parentId).contains(catalogId)) {
                    throw ApiException.conflict("catalog " + catalogId + " cannot move under " + parentId
                            + ": " + parentId + " is inside it");
                }
                requireDepthBelow(connection, parentId, heightOf(connection, catalogId));
            }
            Rows.update(connection, "UPDATE catalog SET parent_id = ? WHERE catalog_id = ?", parentId, catalogId);
            return read(connection, catalogId);
        });
    }

    public void delete(long catalogId) {
        database.inTransaction(connection -> {
            lock(connection, catalogId);
            if (Rows.exists(connection, "SELECT 1 FROM catalog WHERE parent_id = ? LIMIT 1", catalogId)) {
                throw ApiException.conflict("catalog " + catalogId + " still has child catalogs");
            }
            if (Rows.exists(connection, "SELECT 1 FROM product WHERE catalog_id = ? LIMIT 1", catalogId)) {
                throw ApiException.conflict("catalog " + catalogId + " still has products");
            }
            Rows.update(connection, "DELETE FROM catalog WHERE catalog_id = ?", catalogId);
            return null;
        });
    }

    /**
     * Locks a catalog that is to hold products, so no child is added to it meanwhile. 404 when unknown,
     * 409 when it has children (products sit on leaf catalogs only).
     */
    static void lockAsLeaf(Connection connection, long catalogId) throws SQLException {
        lock(connection, catalogId);
        if (Rows.exists(connection, "SELECT 1 FROM catalog WHERE parent_id = ? LIMIT 1", catalogId)) {
            throw ApiException.conflict("catalog " + catalogId + " has child catalogs: products go on leaf catalogs");
        }
    }

    // a catalog gaining a child must not hold products; the lock keeps a product from arriving meanwhile
    private static void lockAsParent(Connection connection, long parentId) throws SQLException {
        lock(connection, parentId);
        if (Rows.exists(connection, "SELECT 1 FROM product WHERE catalog_id = ? LIMIT 1", parentId)) {
            throw ApiException.conflict("catalog " + parentId + " has products: only a catalog without products "
                    + "can have child catalogs");
        }
    }

    private static void lock(Connection connection, long catalogId) throws SQLException {
        if (!Rows.exists(connection, "SELECT 1 FROM catalog WHERE catalog_id = ? FOR UPDATE", catalogId)) {
            throw notFound(catalogId);
        }
    }

    /** The catalog and its ancestors, walking parent_id up to a root. */
    private static Set<Long> ancestorsOf(Connection connection, long catalogId) throws SQLException {
        Set<Long> path = new HashSet<>();
        Long current = catalogId;
        while (current != null && path.add(current)) {
            current = parentOf(connection, current);
        }
        return path;
    }

    private static void requireDepthBelow(Connection connection, long parentId, int heightBelow) throws SQLException {
        if (ancestorsOf(connection, parentId).size() + 1 + heightBelow > MAX_DEPTH) {
            throw ApiException.conflict("the catalog tree may be at most " + MAX_DEPTH + " levels deep");
        }
    }

    /** Levels below the catalog (0 for a leaf). */
    private static int heightOf(Connection connection, long catalogId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "WITH RECURSIVE sub (catalog_id, depth) AS (SELECT catalog_id, 0 FROM catalog WHERE catalog_id = ? "
                        + "UNION ALL SELECT c.catalog_id, sub.depth + 1 FROM catalog c JOIN sub ON c.parent_id = sub.catalog_id "
                        + "WHERE sub.depth < ?) SELECT MAX(depth) FROM sub")) {
            statement.setLong(1, catalogId);
            statement.setInt(2, MAX_DEPTH);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static Long parentOf(Connection connection, long catalogId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT parent_id FROM catalog WHERE catalog_id = ?")) {
            statement.setLong(1, catalogId);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getObject(1, Long.class) : null;
            }
        }
    }

    private static Catalog read(Connection connection, long catalogId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT catalog_id, parent_id, name, display_order FROM catalog WHERE catalog_id = ?")) {
            statement.setLong(1, catalogId);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    throw notFound(catalogId);
                }
                return new Catalog(rs.getLong(1), rs.getObject(2, Long.class), rs.getString(3), rs.getLong(4));
            }
        }
    }

    static ApiException notFound(long catalogId) {
        return ApiException.notFound("catalog " + catalogId + " does not exist");
    }
}
