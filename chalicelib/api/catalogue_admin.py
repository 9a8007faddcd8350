"""Catalogue upkeep for operators (X-Admin-Token): edit a product, reprice a
SKU now or from a given time, add a SKU, take a product or a SKU off sale and
back, set a SKU's low-stock threshold. Each answers the product as the
catalogue shows it now (the low-stock route: the SKU's stock figures)."""

from __future__ import annotations

from uuid import UUID

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .inputs import body, path_id, require_admin
from .responses import handles_errors, json_response

bp = Blueprint(__name__)


def _product(product_id: UUID, status: int = 200) -> Response:
    from ..projections import catalogue_queries, fresh

    c = container()
    doc = catalogue_queries.priced(fresh.product(c.events_of, product_id), c.now())
    return json_response(doc, status=status)


def _admin_product_id(product_id: str) -> UUID:
    require_admin(bp)
    return path_id(product_id, "product")


@bp.route("/admin/products/{product_id}", methods=["PATCH"])
@handles_errors
def edit_product(product_id: str) -> Response:
    from ..application.catalogue import ProductEdit
    from .catalogue_schemas import ProductEditIn

    pid = _admin_product_id(product_id)
    edit = body(bp, ProductEditIn)
    container().shop.catalogue.edit_product(pid, ProductEdit(**edit.model_dump(exclude_unset=True)))
    return _product(pid)


@bp.route("/admin/products/{product_id}/skus/{sku_id}/price", methods=["PUT"])
@handles_errors
def reprice(product_id: str, sku_id: str) -> Response:
    from .catalogue_schemas import PriceIn

    pid = _admin_product_id(product_id)
    price = body(bp, PriceIn)
    container().shop.catalogue.reprice(pid, sku_id, price.price_fen, price.effective_at)
    return _product(pid)


@bp.route("/admin/products/{product_id}/skus", methods=["POST"])
@handles_errors
def add_sku(product_id: str) -> Response:
    from ..domain.values import SkuSpec
    from .catalogue_schemas import NewSkuIn

    pid = _admin_product_id(product_id)
    sku = body(bp, NewSkuIn)
    spec = SkuSpec(sku.sku_id, sku.name, sku.price_fen)
    container().shop.catalogue.add_sku(pid, spec, sku.stock)
    return _product(pid, status=201)


@bp.route("/admin/products/{product_id}/off-sale", methods=["POST"])
@handles_errors
def take_off_sale(product_id: str) -> Response:
    pid = _admin_product_id(product_id)
    container().shop.catalogue.set_on_sale(pid, False)
    return _product(pid)


@bp.route("/admin/products/{product_id}/on-sale", methods=["POST"])
@handles_errors
def put_on_sale(product_id: str) -> Response:
    pid = _admin_product_id(product_id)
    container().shop.catalogue.set_on_sale(pid, True)
    return _product(pid)


@bp.route("/admin/products/{product_id}/skus/{sku_id}/off-sale", methods=["POST"])
@handles_errors
def take_sku_off_sale(product_id: str, sku_id: str) -> Response:
    pid = _admin_product_id(product_id)
    container().shop.catalogue.set_sku_on_sale(pid, sku_id, False)
    return _product(pid)


@bp.route("/admin/products/{product_id}/skus/{sku_id}/on-sale", methods=["POST"])
@handles_errors
def put_sku_on_sale(product_id: str, sku_id: str) -> Response:
    pid = _admin_product_id(product_id)
    container().shop.catalogue.set_sku_on_sale(pid, sku_id, True)
    return _product(pid)


@bp.route("/admin/products/{product_id}/skus/{sku_id}/low-stock", methods=["PUT"])
@handles_errors
def low_stock(product_id: str, sku_id: str) -> Response:
    from .catalogue_schemas import LowStockIn

    pid = _admin_product_id(product_id)
    threshold = body(bp, LowStockIn).threshold
    stock = container().shop.catalogue.set_low_stock_threshold(pid, sku_id, threshold)
    return json_response(
        {
            "sku_id": stock.sku_id,
            "threshold": stock.low_stock_threshold,
            "available": stock.available,
            "low": stock.is_low,
            "crossings": stock.low_crossings,
        }
    )
