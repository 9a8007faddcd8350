"""Searching and sorting the products on sale, a page at a time.

A search reads the summaries of the products that can match
(search_candidates.py: the whole "on_sale" group a page at a time when neither
a query nor a category narrows it, else the products of its rarest token or
its category, read by key), keeps those whose tokens hold every query token
and whose category is the one asked, orders them, and answers the page after
a position. Sorting happens here, not in the view's ranks, because the price
in effect changes with the clock (scheduled prices) without an event.

The orders, each a total order (ties broken by product id):
- `sales`: units sold by paid orders, most first;
- `price_asc` / `price_desc`: the lowest price in effect now among the
  product's SKUs on sale;
- `new`: listing time, newest first.

A position is (sort, key, product id), the key an integer whose ascending
order is the page order; a page holds the products strictly after it, so a
product listed meanwhile never repeats one already seen."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from ..application.errors import NotFound
from ..domain.search_tokens import query_tokens
from . import catalogue, catalogue_queries, product_search
from .base import Doc, PagedViewReader, ViewReader
from .search_candidates import matching

SEARCH = product_search.ProductSearchProjection.name
CATALOGUE = catalogue.CatalogueProjection.name
SORTS = ("sales", "price_asc", "price_desc", "new")


@dataclasses.dataclass(frozen=True)
class Position:
    sort: str
    key: int
    product_id: str


@dataclasses.dataclass(frozen=True)
class Page:
    items: list[Doc]
    next_after: Position | None


def _lowest_price(doc: Doc, now: datetime) -> int:
    skus = catalogue_queries.priced(doc, now)["skus"]
    return min(int(s["price_fen"]) for s in skus if s["on_sale"])


def _listed_micros(doc: Doc) -> int:
    moment = datetime.fromisoformat(doc["listed_at"].replace("Z", "+00:00"))
    return int(moment.timestamp() * 1_000_000)


def _sort_key(sort: str, now: datetime) -> Callable[[Doc], int]:
    keys: dict[str, Callable[[Doc], int]] = {
        "sales": lambda doc: -int(doc["sales"]),
        "price_asc": lambda doc: _lowest_price(doc, now),
        "price_desc": lambda doc: -_lowest_price(doc, now),
        "new": lambda doc: -_listed_micros(doc),
    }
    return keys[sort]


def search(
    views: PagedViewReader,
    now: datetime,
    *,
    q: str | None,
    category: str | None,
    sort: str,
    after: Position | None,
    limit: int,
) -> Page:
    """Up to `limit` products on sale matching `q` (None: any) in `category`
    (None: any), in `sort` order, after position `after` (None: the first)."""
    wanted = None if q is None else query_tokens(q)
    key = _sort_key(sort, now)
    ranked: list[tuple[int, str]] = []
    for doc in matching(views, wanted, category):
        ranked.append((key(doc), doc["id"]))
    ranked.sort()
    if after is not None:
        ranked = [entry for entry in ranked if entry > (after.key, after.product_id)]
    page = ranked[:limit]
    items = [item for item in (_shown(views, now, pid) for _, pid in page) if item is not None]
    last = Position(sort, *page[-1]) if len(ranked) > limit else None
    return Page(items, last)


def _shown(views: ViewReader, now: datetime, product_id: str) -> Doc | None:
    """The product as GET /products lists it (None if the catalogue has it off sale)."""
    try:
        doc = catalogue_queries.product(views, now, UUID(product_id))
    except NotFound:
        return None
    skus = [s for s in doc["skus"] if s["on_sale"]]
    return dict(doc, skus=skus) if doc["on_sale"] and skus else None
