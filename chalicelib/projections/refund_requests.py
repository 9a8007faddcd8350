"""Turns approved refunds into outbox intents for WeChat Pay.

The intent id is the order's out_refund_no, so a rebuild or a redelivered event
enqueues nothing new, and WeChat Pay itself deduplicates by that number too.
"""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any

from ..domain.order import Order
from .base import ViewWriter

REFUND = "wechatpay.refund"


class RefundRequestsProjection:
    name = "refund_requests"

    @singledispatchmethod
    def apply(self, event: Any, views: ViewWriter) -> None:
        """Only approved refunds cause a side effect."""

    @apply.register
    def _approved(self, e: Order.RefundApproved, views: ViewWriter) -> None:
        payload = {
            "out_trade_no": e.originator_id.hex,
            "out_refund_no": e.out_refund_no,
            "refund_fen": e.amount_fen,
            "total_fen": e.amount_fen,
            "reason": e.reason,
        }
        views.enqueue(e.out_refund_no, REFUND, payload)
