"""A product as a member's lists (favourites, footprints) show it: its title,
image, lowest price in effect now among the SKUs on sale (among all SKUs when
none is) and whether it can be bought."""

from __future__ import annotations

from datetime import datetime

from ..projections import catalogue, catalogue_queries
from ..projections.base import Doc, ViewReader


def product_card(views: ViewReader, product_id: str, now: datetime) -> Doc:
    """All nulls and off sale while the catalogue's view does not hold the
    product (the moment after it was listed, on AWS)."""
    doc = views.get(catalogue_queries.CATALOGUE, catalogue.PRODUCTS, product_id)
    if doc is None:
        return {"title": None, "image_url": None, "lowest_price_fen": None, "on_sale": False}
    shown = catalogue_queries.priced(doc, now)
    selling = [s["price_fen"] for s in shown["skus"] if s["on_sale"]]
    prices = selling or [s["price_fen"] for s in shown["skus"]]
    return {
        "title": shown["title"],
        "image_url": shown["image_url"],
        "lowest_price_fen": min(prices) if prices else None,
        "on_sale": shown["on_sale"] and bool(selling),
    }
