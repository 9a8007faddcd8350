"""Orders newest first, a page at a time, from the order_status views: a
member's orders and the operators' search (statuses, a placement-time range,
a member, an order id, a campaign).

A page starts strictly below a position (an `order_rank`: placement time, then
order id), so orders placed meanwhile never shift a page and no order is seen
twice. The search reads the narrowest ranked group its filters allow (the
member's, the campaign's, each asked status's, else all orders; several
statuses are merged) and checks the other filters on each document, so a page
examines at most `budget` orders and may hold fewer than asked: its
`next_cursor` then says where to go on."""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Iterable, Iterator
from datetime import datetime

from . import order_status
from .base import Doc, ViewReader, rank_time

ORDERS = order_status.OrderStatusProjection.name
BUDGET = 1000
"""Orders a page examines at most (filters checked on documents may skip many)."""


@dataclasses.dataclass(frozen=True)
class OrderSearch:
    statuses: tuple[str, ...] = ()
    """Any of these (none: every status)."""
    placed_from: datetime | None = None
    """Placed at or after."""
    placed_before: datetime | None = None
    member_id: str | None = None
    order_id: str | None = None
    campaign_id: str | None = None

    def matches(self, doc: Doc) -> bool:
        campaign = doc.get("campaign") or {}
        placed = datetime.fromisoformat(doc["placed_at"])
        return (
            (not self.statuses or doc["status"] in self.statuses)
            and (self.member_id is None or doc["member_id"] == self.member_id)
            and (self.order_id is None or doc["id"] == self.order_id)
            and (self.campaign_id is None or campaign.get("campaign_id") == self.campaign_id)
            and (self.placed_from is None or placed >= self.placed_from)
            and (self.placed_before is None or placed < self.placed_before)
        )


@dataclasses.dataclass(frozen=True)
class Page:
    orders: list[Doc]
    next_after: str | None
    """The position to continue below (an order_rank), or None at the end."""


def page(
    views: ViewReader, search: OrderSearch, after: str | None, limit: int, budget: int = BUDGET
) -> Page:
    """Up to `limit` matching orders placed below position `after` (None: the newest)."""
    found: list[Doc] = []
    scanned = _scan(views, search, after, chunk=max(limit, 50))
    for examined, doc in enumerate(scanned, start=1):
        if search.matches(doc):
            found.append(doc)
        if len(found) == limit or examined == budget:
            more = next(scanned, None) is not None
            return Page(found, order_status.order_rank(doc) if more else None)
    return Page(found, None)


def every(views: ViewReader, search: OrderSearch) -> Iterator[Doc]:
    """Every matching order, newest first (the caller stops when it has enough)."""
    return (doc for doc in _scan(views, search, None, chunk=500) if search.matches(doc))


def _scan(views: ViewReader, search: OrderSearch, after: str | None, chunk: int) -> Iterator[Doc]:
    """Candidate orders below `after` and within the time range, newest first."""
    if search.order_id is not None:
        doc = views.get(ORDERS, order_status.VIEW, search.order_id)
        return _below([] if doc is None else [doc], after)
    upper = after
    if search.placed_before is not None:
        until = rank_time(search.placed_before)
        upper = until if upper is None else min(upper, until)
    floor = None if search.placed_from is None else rank_time(search.placed_from)
    groups = _groups(search)
    ranges = [_ranked(views, view, group, upper, floor, chunk) for view, group in groups]
    return heapq.merge(*ranges, key=order_status.order_rank, reverse=True)


def _groups(search: OrderSearch) -> list[tuple[str, str]]:
    """The narrowest ranked groups that hold every order the search can match."""
    if search.member_id is not None:
        return [(order_status.VIEW, order_status.member_group(search.member_id))]
    if search.campaign_id is not None:
        return [(order_status.BY_CAMPAIGN, search.campaign_id)]
    if search.statuses:
        return [(order_status.BY_STATUS, status) for status in dict.fromkeys(search.statuses)]
    return [(order_status.ALL, order_status.ALL_GROUP)]


def _ranked(
    views: ViewReader, view: str, group: str, below: str | None, floor: str | None, chunk: int
) -> Iterator[Doc]:
    """A group's orders ranked strictly below `below` and at or above `floor`,
    newest first, read `chunk` at a time (a ranged read each, inclusive of its
    bound: the one order at the bound is dropped)."""
    while True:
        docs = views.query(ORDERS, view, group, rank_upto=below, descending=True, limit=chunk + 1)
        fresh = list(_below(_complete(views, docs), below))
        for doc in fresh:
            if floor is not None and order_status.order_rank(doc) < floor:
                return
            yield doc
        if len(docs) <= chunk or not fresh:
            return
        below = order_status.order_rank(fresh[-1])


def _below(docs: Iterable[Doc], bound: str | None) -> Iterator[Doc]:
    return (doc for doc in docs if bound is None or order_status.order_rank(doc) < bound)


def _complete(views: ViewReader, docs: list[Doc]) -> Iterator[Doc]:
    """Documents written before the status copies held whole orders (a reference
    to the order until the view is rebuilt) are read from the order view."""
    for doc in docs:
        if "placed_at" in doc:
            yield doc
            continue
        whole = views.get(ORDERS, order_status.VIEW, doc["id"])
        if whole is not None:
            yield whole
