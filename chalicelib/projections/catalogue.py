"""Catalogue read model: products with their SKUs, prices and stock left."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any

from ..domain.catalogue import Product, Stock
from .base import ViewWriter, plain

PRODUCTS = "products"
SKUS = "skus"


class CatalogueProjection:
    name = "catalogue"

    @singledispatchmethod
    def apply(self, event: Any, views: ViewWriter) -> None:
        """Events of other aggregates do not concern this view."""

    @apply.register
    def _listed(self, e: Product.Listed, views: ViewWriter) -> None:
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

    @apply.register
    def _stocked(self, e: Stock.Stocked, views: ViewWriter) -> None:
        views.put(SKUS, e.sku_id, {"product_id": e.product_id, "available": e.quantity})
        views.put(SKUS, f"stock:{e.originator_id}", {"sku_id": e.sku_id})
        self._show(views, e.sku_id)

    def _change(self, e: Any, views: ViewWriter, delta: int) -> None:
        index = views.get(SKUS, f"stock:{e.originator_id}")
        if index is None:
            return
        sku = views.get(SKUS, index["sku_id"])
        if sku is None:
            return
        sku["available"] += delta
        views.put(SKUS, index["sku_id"], sku)
        self._show(views, index["sku_id"])

    @staticmethod
    def _show(views: ViewWriter, sku_id: str) -> None:
        sku = views.get(SKUS, sku_id)
        product = views.get(PRODUCTS, sku["product_id"]) if sku else None
        if sku is None or product is None:
            return
        for entry in product["skus"]:
            if entry["sku_id"] == sku_id:
                entry["available"] = sku["available"]
        views.put(PRODUCTS, product["id"], product, group="all", rank=product["slug"])

    @apply.register
    def _reserved(self, e: Stock.Reserved, views: ViewWriter) -> None:
        self._change(e, views, -e.quantity)

    @apply.register
    def _released(self, e: Stock.Released, views: ViewWriter) -> None:
        self._change(e, views, e.quantity)

    @apply.register
    def _restocked(self, e: Stock.Restocked, views: ViewWriter) -> None:
        self._change(e, views, e.quantity)

    @apply.register
    def _allocated(self, e: Stock.Allocated, views: ViewWriter) -> None:
        self._change(e, views, -e.quantity)

    @apply.register
    def _deallocated(self, e: Stock.Deallocated, views: ViewWriter) -> None:
        self._change(e, views, e.quantity)
