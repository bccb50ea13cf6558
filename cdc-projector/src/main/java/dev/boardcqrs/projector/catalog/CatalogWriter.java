package dev.boardcqrs.projector.catalog;

import dev.boardcqrs.common.board.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.projector.catalog.CatalogOp.PutCatalog;
import dev.boardcqrs.projector.catalog.CatalogOp.PutProduct;
import java.util.List;
import redis.clients.jedis.AbstractTransaction;

/**
 * Queues catalog operations into the writer's MULTI/EXEC, one EVALSHA of catalog_change.lua each, and tells
 * what the script refused (a plain-SQL change that would close a cycle in the tree).
 */
public final class CatalogWriter {
    public static final LuaScript SCRIPT = LuaScript.resource("lua/catalog_change.lua");

    private final KeyScheme keys;

    public CatalogWriter(KeyScheme keys) {
        this.keys = keys;
    }

    public void queue(AbstractTransaction tx, CatalogOp op) {
        List<String> scriptKeys = List.of(keys.catalogPrefix(), keys.productPrefix(), keys.catalogRoots());
        List<String> args;
        if (op instanceof PutCatalog c) {
            args = List.of("catalog", Long.toString(c.catalogId()), c.linked() ? "1" : "0",
                    c.parentId() == null ? "" : Long.toString(c.parentId()), c.name(), Long.toString(c.displayOrder()));
        } else {
            PutProduct p = (PutProduct) op;
            args = List.of("product", Long.toString(p.productId()), p.present() ? "1" : "0",
                    Long.toString(p.catalogId()), p.status(), Long.toString(p.displayOrder()), p.name(),
                    Long.toString(p.price()), p.updatedAt());
        }
        tx.evalsha(SCRIPT.sha(), scriptKeys, args);
    }

    /**
     * Why the script refused the change, or null when it applied it. A refused change left the model as it was:
     * the source has a cycle the model cannot show (its catalogs are unreachable from any root until it is
     * broken). The caller sends it to the dead letters.
     */
    public String refusal(Object result) {
        return "ok".equals(result) ? null : "the catalog model refused it (it would put a catalog inside itself): "
                + result;
    }
}
