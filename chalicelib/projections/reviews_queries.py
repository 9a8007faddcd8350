"""Reviews as product pages and operators read them: a product's rating
summary (visible reviews only) and pages of reviews, newest first, paged by
position (a review's rank: written time, `#`, review id)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import reviews
from .base import Doc, ViewReader

REVIEWS = reviews.ReviewsProjection.name
SCAN_BUDGET = 1000
"""Reviews an operator's filtered page examines at most before it answers
(with a cursor to go on from)."""


@dataclass(frozen=True)
class Page:
    items: list[Doc]
    next_after: str | None


def summary(views: ViewReader, product_id: str) -> Doc:
    """`count`, `average` (stars, to 1 decimal, rounded half up; null without
    reviews) and `stars` ({"1".."5": how many}) of the visible reviews."""
    doc = views.get(REVIEWS, reviews.SUMMARY, product_id)
    stars = {str(n): 0 for n in range(1, 6)} if doc is None else dict(doc["stars"])
    count = sum(stars.values())
    total = sum(int(n) * c for n, c in stars.items())
    tenths = (20 * total + count) // (2 * count) if count else None
    return {"count": count, "average": None if tenths is None else tenths / 10, "stars": stars}


def visible_page(views: ViewReader, product_id: str, after: str | None, limit: int) -> Page:
    return _page(views, reviews.VISIBLE, product_id, after, limit, lambda doc: True)


def operator_page(
    views: ViewReader, product_id: str | None, hidden: bool | None, after: str | None, limit: int
) -> Page:
    """Every review (of a product, when given), hidden or not (when given)."""
    view, group = (
        (reviews.LATEST, reviews.ALL) if product_id is None else (reviews.REVIEWS, product_id)
    )
    return _page(
        views, view, group, after, limit, lambda d: hidden is None or d["hidden"] == hidden
    )


def _page(
    views: ViewReader,
    view: str,
    group: str,
    after: str | None,
    limit: int,
    keep: Callable[[Doc], bool],
) -> Page:
    """Up to `limit` kept reviews ranked below `after`, reading a chunk at a time
    (each read is inclusive of its bound, so the review at the bound is dropped);
    stops after SCAN_BUDGET examined, with a cursor to go on from."""
    found: list[Doc] = []
    below, examined, chunk = after, 0, max(limit, 50)
    while True:
        docs = views.query(REVIEWS, view, group, rank_upto=below, descending=True, limit=chunk + 1)
        fresh = [d for d in docs if below is None or reviews.review_rank(d) < below]
        for doc in fresh:
            examined += 1
            if keep(doc):
                found.append(doc)
            if len(found) == limit or examined == SCAN_BUDGET:
                more = _more(views, view, group, reviews.review_rank(doc))
                return Page(found, reviews.review_rank(doc) if more else None)
        if len(docs) <= chunk or not fresh:
            return Page(found, None)
        below = reviews.review_rank(fresh[-1])


def _more(views: ViewReader, view: str, group: str, below: str) -> bool:
    docs = views.query(REVIEWS, view, group, rank_upto=below, descending=True, limit=2)
    return any(reviews.review_rank(d) < below for d in docs)
