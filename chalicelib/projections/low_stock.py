"""Turns each fall of a SKU to or below its low-stock threshold into one outbox
message for the operators (`ops.low_stock`).

The Stock aggregate numbers its crossings (RanLow.crossing), so the message id
`ops.low_stock:<sku>:<crossing>` is the same however often the event is
delivered or replayed: the outbox ignores a known id, and a rebuild or a
redelivery enqueues nothing new, while a restock above the threshold and a new
fall make a new crossing and so a new message.
"""

from __future__ import annotations

from typing import Any

from ..domain.catalogue import Stock
from ..domain.outbox_messages import LowStockMessage
from .base import Handler, ViewWriter


def _ran_low(e: Stock.RanLow, views: ViewWriter) -> None:
    message = LowStockMessage(
        sku_id=e.sku_id,
        product_id=e.product_id,
        crossing=e.crossing,
        available=e.available,
        threshold=e.threshold,
    )
    views.enqueue(message.message_id, message.kind, message.to_payload())


HANDLERS: dict[type, Handler] = {
    Stock.RanLow: _ran_low,
}


class LowStockProjection:
    name = "low_stock"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        """Only a SKU's fall below its threshold causes a side effect."""
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
