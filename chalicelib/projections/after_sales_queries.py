"""Pages of after-sales requests, newest first, optionally of one status,
paged by position (a request's rank: request time, `#`, request id)."""

from __future__ import annotations

from dataclasses import dataclass

from . import after_sales
from .base import Doc, ViewReader

NAME = after_sales.AfterSalesProjection.name


@dataclass(frozen=True)
class Page:
    items: list[Doc]
    next_after: str | None


def page(views: ViewReader, status: str | None, after: str | None, limit: int) -> Page:
    """Up to `limit` requests ranked below `after` (a read is inclusive of
    its bound, so the request at the bound is dropped)."""
    view, group = (
        (after_sales.VIEW, after_sales.ALL) if status is None else (after_sales.BY_STATUS, status)
    )
    docs = views.query(NAME, view, group, rank_upto=after, descending=True, limit=limit + 2)
    fresh = [d for d in docs if after is None or after_sales.after_sale_rank(d) < after]
    items = fresh[:limit]
    more = len(fresh) > limit
    return Page(items, after_sales.after_sale_rank(items[-1]) if more and items else None)


def one(views: ViewReader, after_sale_id: str) -> Doc | None:
    return views.get(NAME, after_sales.VIEW, after_sale_id)
