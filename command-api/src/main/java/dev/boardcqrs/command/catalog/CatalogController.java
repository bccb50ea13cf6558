package dev.boardcqrs.command.catalog;

import dev.boardcqrs.command.auth.Authenticator;
import dev.boardcqrs.command.catalog.ProductService.Details;
import dev.boardcqrs.command.request.JsonBody;
import dev.boardcqrs.common.web.ApiException;
import dev.boardcqrs.common.web.Params;
import io.javalin.http.Context;

/**
 * HTTP handlers for catalogs and products: parse, call a service, respond. Any authenticated user may edit
 * the display tree: the shop's staff share it, there is no per-row owner as articles have.
 */
public final class CatalogController {
    private static final long MAX_ORDER = Integer.MAX_VALUE;

    private final CatalogService catalogs;
    private final ProductService products;
    private final Authenticator auth;

    public CatalogController(CatalogService catalogs, ProductService products, Authenticator auth) {
        this.catalogs = catalogs;
        this.products = products;
        this.auth = auth;
    }

    public void createCatalog(Context ctx) {
        auth.userId(ctx);
        JsonBody body = JsonBody.parse(ctx.body());
        Long parentId = body.optionalPositiveId("parentId");
        String name = body.text("name", CatalogService.MAX_NAME_CHARACTERS);
        long displayOrder = body.integer("displayOrder", 0, MAX_ORDER, 0);
        ctx.status(201).json(catalogs.create(parentId, name, displayOrder));
    }

    public void renameCatalog(Context ctx) {
        auth.userId(ctx);
        long catalogId = Params.positiveId(ctx, "catalogId");
        String name = JsonBody.parse(ctx.body()).text("name", CatalogService.MAX_NAME_CHARACTERS);
        ctx.json(catalogs.rename(catalogId, name));
    }

    public void reorderCatalog(Context ctx) {
        auth.userId(ctx);
        long catalogId = Params.positiveId(ctx, "catalogId");
        ctx.json(catalogs.reorder(catalogId, JsonBody.parse(ctx.body()).requiredInteger("displayOrder", 0, MAX_ORDER)));
    }

    /** {@code {"parentId": null}} makes the catalog a root; the field itself is required. */
    public void moveCatalog(Context ctx) {
        auth.userId(ctx);
        long catalogId = Params.positiveId(ctx, "catalogId");
        JsonBody body = JsonBody.parse(ctx.body());
        if (!body.has("parentId")) {
            throw ApiException.badRequest("parentId is required (null for a root catalog)");
        }
        ctx.json(catalogs.move(catalogId, body.optionalPositiveId("parentId")));
    }

    public void deleteCatalog(Context ctx) {
        auth.userId(ctx);
        catalogs.delete(Params.positiveId(ctx, "catalogId"));
        ctx.status(204);
    }

    public void createProduct(Context ctx) {
        auth.userId(ctx);
        JsonBody body = JsonBody.parse(ctx.body());
        long catalogId = body.positiveId("catalogId");
        Details details = details(body);
        ProductStatus status = body.has("status") ? status(body) : ProductStatus.ON_SALE;
        ctx.status(201).json(products.create(catalogId, details, status));
    }

    public void updateProduct(Context ctx) {
        auth.userId(ctx);
        long productId = Params.positiveId(ctx, "productId");
        ctx.json(products.update(productId, details(JsonBody.parse(ctx.body()))));
    }

    public void changeProductStatus(Context ctx) {
        auth.userId(ctx);
        long productId = Params.positiveId(ctx, "productId");
        ctx.json(products.changeStatus(productId, status(JsonBody.parse(ctx.body()))));
    }

    public void moveProduct(Context ctx) {
        auth.userId(ctx);
        long productId = Params.positiveId(ctx, "productId");
        ctx.json(products.move(productId, JsonBody.parse(ctx.body()).positiveId("catalogId")));
    }

    public void deleteProduct(Context ctx) {
        auth.userId(ctx);
        products.delete(Params.positiveId(ctx, "productId"));
        ctx.status(204);
    }

    private static Details details(JsonBody body) {
        String name = body.text("name", ProductService.MAX_NAME_CHARACTERS);
        long price = body.requiredInteger("price", 0, ProductService.MAX_PRICE);
        return new Details(name, price, body.integer("displayOrder", 0, MAX_ORDER, 0));
    }

    private static ProductStatus status(JsonBody body) {
        return ProductStatus.parse("status", body.text("status", 16));
    }
}
