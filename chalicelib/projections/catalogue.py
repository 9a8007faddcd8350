"""Catalogue read model: products with their SKUs, prices and stock left."""

from __future__ import annotations

from typing import Any

from ..domain.catalogue import Product, Stock
from .base import Handler, ViewWriter, plain

PRODUCTS = "products"
SKUS = "skus"


def _listed(e: Product.Listed, views: ViewWriter) -> None:
    product_id = str(e.originator_id)
    skus = []
    for spec in e.skus:
        sku = views.get(SKUS, spec.sku_id) or {"available": 0}
        skus.append(dict(plain(spec), available=sku["available"]))
    doc = {
        "id": product_id,
        "slug": e.slug,
        "title": e.title,
        "category": e.category,
        "description": e.description,
        "image_url": e.image_url,
        "skus": skus,
    }
    views.put(PRODUCTS, product_id, doc, group="all", rank=e.slug)


def _stocked(e: Stock.Stocked, views: ViewWriter) -> None:
    views.put(SKUS, e.sku_id, {"product_id": e.product_id, "available": e.quantity})
    views.put(SKUS, f"stock:{e.originator_id}", {"sku_id": e.sku_id})
    _show(views, e.sku_id)


def _change(e: Any, views: ViewWriter, delta: int) -> None:
    index = views.get(SKUS, f"stock:{e.originator_id}")
    if index is None:
        return
    sku = views.get(SKUS, index["sku_id"])
    if sku is None:
        return
    sku["available"] += delta
    views.put(SKUS, index["sku_id"], sku)
    _show(views, index["sku_id"])


def _show(views: ViewWriter, sku_id: str) -> None:
    sku = views.get(SKUS, sku_id)
    product = views.get(PRODUCTS, sku["product_id"]) if sku else None
    if sku is None or product is None:
        return
    for entry in product["skus"]:
        if entry["sku_id"] == sku_id:
            entry["available"] = sku["available"]
    views.put(PRODUCTS, product["id"], product, group="all", rank=product["slug"])


def _reserved(e: Stock.Reserved, views: ViewWriter) -> None:
    _change(e, views, -e.quantity)


def _released(e: Stock.Released, views: ViewWriter) -> None:
    _change(e, views, e.quantity)


def _restocked(e: Stock.Restocked, views: ViewWriter) -> None:
    _change(e, views, e.quantity)


def _allocated(e: Stock.Allocated, views: ViewWriter) -> None:
    _change(e, views, -e.quantity)


def _deallocated(e: Stock.Deallocated, views: ViewWriter) -> None:
    _change(e, views, e.quantity)


HANDLERS: dict[type, Handler] = {
    Product.Listed: _listed,
    Stock.Stocked: _stocked,
    Stock.Reserved: _reserved,
    Stock.Released: _released,
    Stock.Restocked: _restocked,
    Stock.Allocated: _allocated,
    Stock.Deallocated: _deallocated,
}


class CatalogueProjection:
    name = "catalogue"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        """Events of other aggregates do not concern this view."""
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
