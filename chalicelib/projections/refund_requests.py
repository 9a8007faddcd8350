"""Turns approved refunds into outbox intents for WeChat Pay.

The intent id is the order's out_refund_no, so a rebuild or a redelivered event
enqueues nothing new, and WeChat Pay itself deduplicates by that number too.
"""

from __future__ import annotations

from typing import Any

from ..domain.after_sale import AfterSale
from ..domain.order import Order
from ..domain.outbox_messages import RefundMessage
from .base import Handler, ViewWriter


def _approved(e: Order.RefundApproved, views: ViewWriter) -> None:
    message = RefundMessage(
        out_trade_no=e.originator_id.hex,
        out_refund_no=e.out_refund_no,
        refund_fen=e.amount_fen,
        total_fen=e.amount_fen,
        reason=e.reason,
    )
    views.enqueue(message.message_id, message.kind, message.to_payload())


def _after_sale_approved(e: AfterSale.RefundApproved, views: ViewWriter) -> None:
    """An after-sales request's share of the payment (out_refund_no per attempt)."""
    message = RefundMessage(
        out_trade_no=e.out_trade_no,
        out_refund_no=e.out_refund_no,
        refund_fen=e.amount_fen,
        total_fen=e.total_fen,
        reason=e.reason,
    )
    views.enqueue(message.message_id, message.kind, message.to_payload())


HANDLERS: dict[type, Handler] = {
    Order.RefundApproved: _approved,
    AfterSale.RefundApproved: _after_sale_approved,
}


class RefundRequestsProjection:
    name = "refund_requests"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        """Only approved refunds cause a side effect."""
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
