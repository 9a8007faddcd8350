"""Read-your-writes answers to commands: a projection applied, in memory, to
the events of the aggregates the command just wrote, read straight from the
event store. On AWS the views catch up asynchronously (stream → indexer →
projector); a command's response must not wait for them, yet must equal what
they will show, so it runs the very projection that builds them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from ..application.errors import NotFound
from ..domain.ids import stock_id_for
from . import catalogue, order_status
from .base import Doc, Projection

Events = Callable[[UUID], Iterable[Any]]


class MemoryViews:
    """A ViewWriter over a dict; intents to the outbox are not this answer's business."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], Doc] = {}

    def get(self, view: str, key: str) -> Doc | None:
        return self.items.get((view, key))

    def put(self, view: str, key: str, doc: Doc, *, group: str = "", rank: str = "") -> None:
        self.items[(view, key)] = doc

    def delete(self, view: str, key: str) -> None:
        self.items.pop((view, key), None)

    def enqueue(
        self, message_id: str, kind: str, payload: Doc, *, not_before: datetime | None = None
    ) -> None:
        """Side effects belong to the real projector, never to a response."""


def _replay(projection: Projection, events: Iterable[Any]) -> MemoryViews:
    views = MemoryViews()
    for event in events:
        projection.apply(event, views)
    return views


def order(events: Events, order_id: UUID, member_id: UUID | None = None) -> Doc:
    views = _replay(order_status.OrderStatusProjection(), events(order_id))
    doc = views.get(order_status.VIEW, str(order_id))
    if doc is None or (member_id is not None and doc["member_id"] != str(member_id)):
        raise NotFound("order")
    return doc


def product(events: Events, product_id: UUID) -> Doc:
    projection = catalogue.CatalogueProjection()
    views = _replay(projection, events(product_id))
    doc = views.get(catalogue.PRODUCTS, str(product_id))
    if doc is None:
        raise NotFound("product")
    for sku in doc["skus"]:
        for event in events(stock_id_for(sku["sku_id"])):
            projection.apply(event, views)
    return views.get(catalogue.PRODUCTS, str(product_id)) or doc
