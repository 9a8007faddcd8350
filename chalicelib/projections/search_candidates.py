"""Which product summaries a search reads (product_search_index.py has the layout).

- No query and no category: the whole "on_sale" group, PAGE summaries a read,
  as many reads as it takes.
- A query and/or a category: each of its lists (the postings of each query
  token, the category's members) is read a page at a time, one page of each
  in turn, until one of them ends: that list is the shortest (or as short as
  another), and its products are the candidates. Their summaries are read by
  key, PAGE at a time, and those still on sale whose tokens hold every query
  token and whose category is the one asked are kept. So the reads grow with
  the rarest token's (or the category's) products, not with the catalogue.
A query that has no tokens (punctuation only) finds nothing and reads nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..domain.search_tokens import matches
from . import product_search
from .base import Doc, PagedViewReader
from .product_search_index import CATEGORIES, POSTINGS, shown

SEARCH = product_search.ProductSearchProjection.name
PAGE = 200
"""Documents one ranged read asks for (a module constant: tests lower it to
show that paging drops nothing without listing thousands of products)."""


def on_sale(views: PagedViewReader) -> Iterator[Doc]:
    """Every summary of a product on sale, in product id order."""
    after: str | None = None
    while True:
        docs = views.query_after(
            SEARCH, product_search.PRODUCTS, product_search.ON_SALE, after=after, limit=PAGE
        )
        yield from docs
        if len(docs) < PAGE:
            return
        after = docs[-1]["id"]


def shortest(views: PagedViewReader, lists: list[tuple[str, str]]) -> list[str]:
    """The product ids of the (view, group) list that ends first when all are
    read a page at a time in turn."""
    read: list[list[str]] = [[] for _ in lists]
    while True:
        for index, (view, group) in enumerate(lists):
            after = read[index][-1] if read[index] else None
            docs = views.query_after(SEARCH, view, group, after=after, limit=PAGE)
            read[index].extend(doc["id"] for doc in docs)
            if len(docs) < PAGE:
                return read[index]


def matching(
    views: PagedViewReader, wanted: set[str] | None, category: str | None
) -> Iterator[Doc]:
    """The summaries of the products on sale that have every token of
    `wanted` (None: any product) and are in `category` (None: any)."""
    if wanted is None and category is None:
        yield from on_sale(views)
        return
    if wanted is not None and not wanted:
        return
    lists = [(POSTINGS, token) for token in sorted(wanted or ())]
    if category is not None:
        lists.append((CATEGORIES, category))
    ids = shortest(views, lists)
    for start in range(0, len(ids), PAGE):
        chunk = ids[start : start + PAGE]
        docs = views.get_many(SEARCH, product_search.PRODUCTS, chunk)
        for product_id in chunk:
            doc = docs.get(product_id)
            if doc is None or not shown(doc):
                continue  # gone off sale since its postings were read
            if category is not None and doc["category"] != category:
                continue
            if wanted is not None and not matches(wanted, doc["tokens"]):
                continue
            yield doc
