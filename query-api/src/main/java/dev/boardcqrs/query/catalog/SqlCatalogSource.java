package dev.boardcqrs.query.catalog;

import dev.boardcqrs.common.web.ApiException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Reads the catalog tables whole in one transaction (REPEATABLE READ: both statements see one moment): the rows of
 * the tree, and the ON_SALE products per catalog counted by the server, so a million products cost one grouped
 * index scan, not a million rows over the wire.
 */
public final class SqlCatalogSource implements CatalogSource {
    private final DataSource dataSource;
    private final int timeoutSeconds;

    public SqlCatalogSource(DataSource dataSource, Duration timeout) {
        this.dataSource = dataSource;
        this.timeoutSeconds = (int) Math.max(1, timeout.toSeconds());
    }

    @Override
    public Rows rows() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(timeoutSeconds);
            List<Catalog> catalogs = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery(
                    "SELECT catalog_id, parent_id, name, display_order FROM catalog")) {
                while (rs.next()) {
                    catalogs.add(new Catalog(rs.getLong(1), rs.getObject(2, Long.class), rs.getString(3), rs.getLong(4)));
                }
            }
            Map<Long, Long> onSale = new HashMap<>();
            try (ResultSet rs = statement.executeQuery(
                    "SELECT catalog_id, COUNT(*) FROM product WHERE status = 'ON_SALE' GROUP BY catalog_id")) {
                while (rs.next()) {
                    onSale.put(rs.getLong(1), rs.getLong(2));
                }
            }
            connection.commit();
            return new Rows(catalogs, onSale);
        } catch (SQLException e) {
            ApiException unavailable = ApiException.unavailable(
                    "the catalog display is not in Redis now, and the database is unavailable, try again later");
            unavailable.initCause(e);
            throw unavailable;
        }
    }
}
