"""What to recommend (domain/recommendations.py has the rules), as product ids.

Reads: a product's co-purchase list (one document), the products on sale with
their sales (the product search view's "on_sale" group, one ranged read: the
best sellers are ranked here by units sold, most first, ties by product id),
and for a member their footprints (one document) and their latest
RECENT_ORDERS orders (one ranged read of the order status view)."""

from __future__ import annotations

import dataclasses
from uuid import UUID

from ..application.errors import NotFound
from ..domain.recommendations import SEED_VIEWS, home_scores, pick, ranked
from . import catalogue, co_purchases, footprints_queries, order_status, product_search
from .base import Doc, ViewReader
from .product_search_queries import MAX_PRODUCTS

CO_PURCHASES = co_purchases.CoPurchasesProjection.name
SEARCH = product_search.ProductSearchProjection.name
CATALOGUE = catalogue.CatalogueProjection.name
ORDERS = order_status.OrderStatusProjection.name
RECENT_ORDERS = 10
"""A member's latest orders whose paid products the home page leaves out."""


@dataclasses.dataclass(frozen=True)
class Shelf:
    """The products on sale: their ids best selling first, and each one's category."""

    best_sellers: list[str]
    category: dict[str, str]

    def in_category(self, category: str) -> list[str]:
        return [pid for pid in self.best_sellers if self.category[pid] == category]


def shelf(views: ViewReader) -> Shelf:
    docs = views.query(SEARCH, product_search.PRODUCTS, product_search.ON_SALE, limit=MAX_PRODUCTS)
    sales = {doc["id"]: int(doc["sales"]) for doc in docs}
    return Shelf(ranked(sales), {doc["id"]: doc["category"] for doc in docs})


def partners(views: ViewReader, product_id: str) -> dict[str, int]:
    doc = views.get(CO_PURCHASES, co_purchases.PRODUCTS, product_id)
    return {} if doc is None else dict(doc["partners"])


def for_product(views: ViewReader, product_id: UUID, limit: int) -> list[str]:
    """Bought together with the product, then best sellers of its category,
    then best sellers: never the product itself. NotFound when unknown."""
    product: Doc | None = views.get(CATALOGUE, catalogue.PRODUCTS, str(product_id))
    if product is None:
        raise NotFound("product")
    on_sale = shelf(views)
    sources = [
        ranked(partners(views, str(product_id))),
        on_sale.in_category(product["category"]),
        on_sale.best_sellers,
    ]
    allowed = set(on_sale.category)
    return pick(sources, allowed=allowed, excluded={str(product_id)}, limit=limit)


def recently_bought(views: ViewReader, member_id: str) -> set[str]:
    group = order_status.member_group(member_id)
    orders = views.query(ORDERS, order_status.VIEW, group, descending=True, limit=RECENT_ORDERS)
    paid = [o for o in orders if o["paid_at"] is not None and o["status"] != "cancelled"]
    return {line["product_id"] for order in paid for line in order["lines"]}


def for_member(views: ViewReader, member_id: str | None, limit: int) -> list[str]:
    """For a member: what was bought together with what they viewed lately,
    then best sellers, leaving out what they bought lately; for anyone else
    (None): best sellers."""
    on_sale = shelf(views)
    allowed = set(on_sale.category)
    if member_id is None:
        return pick([on_sale.best_sellers], allowed=allowed, excluded=set(), limit=limit)
    viewed = footprints_queries.page(views, member_id, None, SEED_VIEWS).entries
    seeds = [partners(views, product_id) for product_id, _ in viewed]
    excluded = recently_bought(views, member_id)
    sources = [home_scores(seeds), on_sale.best_sellers]
    return pick(sources, allowed=allowed, excluded=excluded, limit=limit)
