"""Where an order is in its lifecycle (order.py), and where its refund is.

    pending_payment --pay--> paid --ship--> shipped --receive--> received --+
          |                   |                                             +--> completed
          |                   +--ready--> ready_for_pickup --pick up--> picked_up --+
          +--cancel / payment timeout--> cancelled

After-sales runs beside the main status: refund requested -> approved (an
out_refund_no is assigned and WeChat Pay is asked) or rejected; the signed
refund notification completes it (refunded) or fails it (can be approved again).
"""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    READY_FOR_PICKUP = "ready_for_pickup"
    SHIPPED = "shipped"
    RECEIVED = "received"
    PICKED_UP = "picked_up"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class RefundStatus(StrEnum):
    NONE = "none"
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    REFUNDED = "refunded"
    FAILED = "failed"


S = OrderStatus
REFUNDABLE = {S.PAID, S.READY_FOR_PICKUP, S.SHIPPED, S.RECEIVED, S.PICKED_UP}
REFUND_OPEN = {RefundStatus.REQUESTED, RefundStatus.APPROVED, RefundStatus.FAILED}
