"""The documents the product search view keeps beside each product's summary,
so that a read touches what it asks for rather than the whole catalogue. A
product on sale (the product and at least one of its SKUs) has:

- `postings/<token>|<product id>`: one per token of the product (group: the
  token, rank: the product id), so the products having a token are one ranged
  read of its group, in product id order;
- `categories/<product id>`: in the group of its category, ranked by product
  id: the products of a category;
- `sellers/<product id>` in group "all" and `category_sellers/<product id>` in
  the group of its category, ranked by units sold (most first, ties by product
  id): the best sellers, overall and per category, are the first documents of
  a group.

A product off sale has none of them. Each change of a summary writes only the
documents that changed (an edit that keeps a token keeps its posting; a sale
rewrites the two seller documents) and deletes the ones gone.
"""

from __future__ import annotations

from .base import Doc, ViewWriter

POSTINGS = "postings"
CATEGORIES = "categories"
SELLERS = "sellers"
CATEGORY_SELLERS = "category_sellers"
ALL = "all"
SALES_WIDTH = 15
"""Digits of a seller rank's count: units sold below 10**15."""

Entry = tuple[Doc, str, str]
"""A document with its group and rank."""


def shown(doc: Doc) -> bool:
    """Whether a summary's product is on sale: the product and one of its SKUs."""
    return bool(doc["on_sale"]) and any(s["on_sale"] for s in doc["skus"])


def posting_key(token: str, product_id: str) -> str:
    return f"{token}|{product_id}"


def seller_rank(sales: int, product_id: str) -> str:
    """Ascending order is most sold first, ties by product id."""
    unsold = 10**SALES_WIDTH - 1 - min(sales, 10**SALES_WIDTH - 1)
    return f"{unsold:0{SALES_WIDTH}d}|{product_id}"


def entries(summary: Doc | None) -> dict[tuple[str, str], Entry]:
    """(view, key) -> the document kept for a summary (none if off sale or absent)."""
    if summary is None or not shown(summary):
        return {}
    pid = summary["id"]
    category = summary["category"]
    seller = {"id": pid, "sales": summary["sales"], "category": category}
    rank = seller_rank(int(summary["sales"]), pid)
    found: dict[tuple[str, str], Entry] = {
        (POSTINGS, posting_key(token, pid)): ({"id": pid}, token, pid)
        for token in summary["tokens"]
    }
    found[(CATEGORIES, pid)] = ({"id": pid}, category, pid)
    found[(SELLERS, pid)] = (seller, ALL, rank)
    found[(CATEGORY_SELLERS, pid)] = (seller, category, rank)
    return found


def reindex(views: ViewWriter, old: Doc | None, new: Doc) -> None:
    """Writes the documents `new` keeps that `old` kept otherwise or not at
    all, and deletes those only `old` kept."""
    before = entries(old)
    after = entries(new)
    for view, key in sorted(before.keys() - after.keys()):
        views.delete(view, key)
    for view, key in sorted(after):
        entry = after[(view, key)]
        if before.get((view, key)) != entry:
            doc, group, rank = entry
            views.put(view, key, doc, group=group, rank=rank)
