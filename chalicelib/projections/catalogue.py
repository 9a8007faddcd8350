"""Catalogue read model: products with their SKUs, prices and stock left.

A SKU's `price_fen` is its price when the operator last decided one and
`scheduled` the changes still to come ([[ISO time, fen], ...]); the queries
(catalogue_queries.py) tell the price in effect from the clock."""

from __future__ import annotations

from typing import Any

from ..domain.catalogue import Product, Stock
from ..domain.price_schedule import PriceChange, plan_of, stored
from ..domain.values import SkuSpec
from .base import Doc, Handler, ViewWriter, plain

PRODUCTS = "products"
SKUS = "skus"


def _listed(e: Product.Listed, views: ViewWriter) -> None:
    product_id = str(e.originator_id)
    doc = {
        "id": product_id,
        "slug": e.slug,
        "title": e.title,
        "category": e.category,
        "description": e.description,
        "image_url": e.image_url,
        "images": [],
        "on_sale": True,
        "skus": [_sku_entry(spec, views) for spec in e.skus],
    }
    _put(views, doc)


def _sku_entry(spec: SkuSpec, views: ViewWriter) -> Doc:
    sku = views.get(SKUS, spec.sku_id) or {"available": 0}
    return dict(plain(spec), available=sku["available"], on_sale=True, scheduled=[])


def _put(views: ViewWriter, doc: Doc) -> None:
    views.put(PRODUCTS, doc["id"], doc, group="all", rank=doc["slug"])


def _edit(e: Any, views: ViewWriter, **changes: Any) -> None:
    doc = views.get(PRODUCTS, str(e.originator_id))
    if doc is not None:
        _put(views, dict(doc, **changes))


def _edit_sku(e: Any, views: ViewWriter, sku_id: str, **changes: Any) -> None:
    doc = views.get(PRODUCTS, str(e.originator_id))
    if doc is None:
        return
    skus = [dict(s, **changes) if s["sku_id"] == sku_id else s for s in doc["skus"]]
    _put(views, dict(doc, skus=skus))


def _edited(e: Product.Edited, views: ViewWriter) -> None:
    _edit(
        e,
        views,
        title=e.title,
        category=e.category,
        description=e.description,
        image_url=e.image_url,
        images=list(e.images),
    )


def _repriced(e: Product.SkuRepriced, views: ViewWriter) -> None:
    doc = views.get(PRODUCTS, str(e.originator_id))
    entry = next((s for s in doc["skus"] if s["sku_id"] == e.sku_id), None) if doc else None
    if entry is None:
        return
    plan = plan_of(entry["price_fen"], entry.get("scheduled", []))
    plan = plan.decide(PriceChange(e.effective_at, e.price_fen), e.decided_at)
    _edit_sku(e, views, e.sku_id, price_fen=plan.base_fen, scheduled=stored(plan))


def _sku_added(e: Product.SkuAdded, views: ViewWriter) -> None:
    doc = views.get(PRODUCTS, str(e.originator_id))
    if doc is not None and all(s["sku_id"] != e.sku.sku_id for s in doc["skus"]):
        _put(views, dict(doc, skus=[*doc["skus"], _sku_entry(e.sku, views)]))


def _taken_off_sale(e: Product.TakenOffSale, views: ViewWriter) -> None:
    _edit(e, views, on_sale=False)


def _put_on_sale(e: Product.PutOnSale, views: ViewWriter) -> None:
    _edit(e, views, on_sale=True)


def _sku_taken_off_sale(e: Product.SkuTakenOffSale, views: ViewWriter) -> None:
    _edit_sku(e, views, e.sku_id, on_sale=False)


def _sku_put_on_sale(e: Product.SkuPutOnSale, views: ViewWriter) -> None:
    _edit_sku(e, views, e.sku_id, on_sale=True)


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
    _put(views, product)


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
    Product.Edited: _edited,
    Product.SkuRepriced: _repriced,
    Product.SkuAdded: _sku_added,
    Product.TakenOffSale: _taken_off_sale,
    Product.PutOnSale: _put_on_sale,
    Product.SkuTakenOffSale: _sku_taken_off_sale,
    Product.SkuPutOnSale: _sku_put_on_sale,
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
