"""What to recommend (domain/recommendations.py has the rules), as product ids.

Reads: a product's co-purchase list (one document); which of the candidates
from co-purchases are on sale (their seller documents, read by key, many at a
time); the best sellers, overall or of a category (the first documents of the
product search view's seller groups, ranked by units sold, most first, ties by
product id: only as many as the choice can use, never the whole catalogue);
and for a member their footprints (one document) and their latest
RECENT_ORDERS orders (one ranged read of the order status view)."""

from __future__ import annotations

from uuid import UUID

from ..application.errors import NotFound
from ..domain.recommendations import SEED_VIEWS, home_scores, pick, ranked
from . import catalogue, co_purchases, footprints_queries, order_status, product_search
from .base import Doc, PagedViewReader, ViewReader
from .product_search_index import ALL, CATEGORY_SELLERS, SELLERS

CO_PURCHASES = co_purchases.CoPurchasesProjection.name
SEARCH = product_search.ProductSearchProjection.name
CATALOGUE = catalogue.CatalogueProjection.name
ORDERS = order_status.OrderStatusProjection.name
RECENT_ORDERS = 10
"""A member's latest orders whose paid products the home page leaves out."""


def best_sellers(views: ViewReader, category: str | None, count: int) -> list[str]:
    """The `count` best selling products on sale (of `category`; None: any)."""
    view, group = (SELLERS, ALL) if category is None else (CATEGORY_SELLERS, category)
    return [doc["id"] for doc in views.query(SEARCH, view, group, limit=count)]


def on_sale(views: PagedViewReader, product_ids: list[str]) -> set[str]:
    """Those of the products that are on sale (they have a seller document)."""
    return set(views.get_many(SEARCH, SELLERS, product_ids))


def _needed(limit: int, excluded: set[str]) -> int:
    """Best sellers the choice can use: `pick` passes over at most the ones
    excluded and the `limit` already chosen before it takes `limit`."""
    return 2 * limit + len(excluded)


def partners(views: ViewReader, product_id: str) -> dict[str, int]:
    doc = views.get(CO_PURCHASES, co_purchases.PRODUCTS, product_id)
    return {} if doc is None else dict(doc["partners"])


def for_product(views: PagedViewReader, product_id: UUID, limit: int) -> list[str]:
    """Bought together with the product, then best sellers of its category,
    then best sellers: never the product itself. NotFound when unknown."""
    product: Doc | None = views.get(CATALOGUE, catalogue.PRODUCTS, str(product_id))
    if product is None:
        raise NotFound("product")
    bought_with = ranked(partners(views, str(product_id)))
    excluded = {str(product_id)}
    count = _needed(limit, excluded)
    sources = [
        bought_with,
        best_sellers(views, product["category"], count),
        best_sellers(views, None, count),
    ]
    allowed = on_sale(views, bought_with).union(*sources[1:])
    return pick(sources, allowed=allowed, excluded=excluded, limit=limit)


def recently_bought(views: ViewReader, member_id: str) -> set[str]:
    group = order_status.member_group(member_id)
    orders = views.query(ORDERS, order_status.VIEW, group, descending=True, limit=RECENT_ORDERS)
    paid = [o for o in orders if o["paid_at"] is not None and o["status"] != "cancelled"]
    return {line["product_id"] for order in paid for line in order["lines"]}


def for_member(views: PagedViewReader, member_id: str | None, limit: int) -> list[str]:
    """For a member: what was bought together with what they viewed lately,
    then best sellers, leaving out what they bought lately; for anyone else
    (None): best sellers."""
    if member_id is None:
        sellers = best_sellers(views, None, limit)
        return pick([sellers], allowed=set(sellers), excluded=set(), limit=limit)
    viewed = footprints_queries.page(views, member_id, None, SEED_VIEWS).entries
    scored = home_scores([partners(views, product_id) for product_id, _ in viewed])
    excluded = recently_bought(views, member_id)
    sellers = best_sellers(views, None, _needed(limit, excluded))
    allowed = on_sale(views, scored) | set(sellers)
    return pick([scored, sellers], allowed=allowed, excluded=excluded, limit=limit)
