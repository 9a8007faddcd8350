"""The catalogue as members and operators read it: each SKU at the price in
effect now (scheduled prices take effect by the clock), off-sale products and
SKUs shown with `on_sale: false` on their own page (the list, which leaves
them out, is product_search_queries.py)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ..application.errors import NotFound
from ..domain.price_schedule import plan_of
from . import catalogue
from .base import Doc, ViewReader

CATALOGUE = catalogue.CatalogueProjection.name


def priced(doc: Doc, now: datetime) -> Doc:
    """The product with each SKU's price in effect at `now` and the changes
    still to come (`scheduled`: [{"effective_at", "price_fen"}, ...])."""
    skus = []
    for sku in doc["skus"]:
        plan = plan_of(sku["price_fen"], sku.get("scheduled", []))
        upcoming = [
            {"effective_at": c.effective_at.isoformat(), "price_fen": c.price_fen}
            for c in plan.upcoming(now)
        ]
        skus.append(
            dict(
                sku,
                price_fen=plan.price_at(now),
                on_sale=sku.get("on_sale", True),
                scheduled=upcoming,
            )
        )
    return dict(doc, images=doc.get("images", []), on_sale=doc.get("on_sale", True), skus=skus)


def product(views: ViewReader, now: datetime, product_id: UUID) -> Doc:
    """One product, on sale or not (its page says which); NotFound when unknown."""
    doc = views.get(CATALOGUE, catalogue.PRODUCTS, str(product_id))
    if doc is None:
        raise NotFound("product")
    return priced(doc, now)
