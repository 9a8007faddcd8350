"""The order's checks that record nothing (order.py): which status allows
what, whether a refund is open or in flight, whether a payment or a refund
matches the order, and the number its refunds go to WeChat Pay under."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from uuid import UUID

from .campaign import CampaignKind
from .errors import InvalidTransition, PaymentMismatch
from .order_status import REFUND_OPEN, REFUNDABLE, OrderStatus, RefundStatus


def require_status(status: OrderStatus, allowed: Collection[OrderStatus], action: str) -> None:
    """InvalidTransition "cannot {action} an order that is {status}" unless allowed."""
    if status not in allowed:
        raise InvalidTransition(f"cannot {action} an order that is {status}", status=str(status))


def require_no_open_refund(refund_status: RefundStatus, action: str) -> None:
    if refund_status in REFUND_OPEN:
        raise InvalidTransition(
            f"cannot {action} while a refund is {refund_status}", refund_status=str(refund_status)
        )


def require_refund_to_decide(refund_status: RefundStatus, nothing: str) -> None:
    """The shop approves or rejects only a refund asked for or failed; `nothing`
    says what is missing otherwise ("no refund to approve")."""
    if refund_status not in (RefundStatus.REQUESTED, RefundStatus.FAILED):
        raise InvalidTransition(
            f"{nothing} (refund is {refund_status})", refund_status=str(refund_status)
        )


def require_refund_in_flight(refund_status: RefundStatus, current: str | None, given: str) -> None:
    """A refund's outcome belongs to the approved refund numbered `current`."""
    if refund_status != RefundStatus.APPROVED or given != current:
        raise InvalidTransition(
            "no refund in flight with that number",
            out_refund_no=given,
            refund_status=str(refund_status),
        )


def require_after_sales(
    status: OrderStatus, refund_status: RefundStatus, campaign_kind: str | None
) -> None:
    """Some units may be asked back: paid, not completed, no whole-order refund,
    and not a bargain order (one unit: refunded whole). A group-buy order also
    needs its team formed, which the order does not know (teams.py
    `require_after_sales`)."""
    require_status(status, REFUNDABLE, action="request after-sales for")
    if refund_status not in (RefundStatus.NONE, RefundStatus.REJECTED):
        raise InvalidTransition(
            f"the order has a whole-order refund that is {refund_status}",
            refund_status=str(refund_status),
        )
    if campaign_kind == CampaignKind.BARGAIN:
        raise InvalidTransition(
            f"{campaign_kind} orders are refunded whole", campaign_kind=campaign_kind
        )


def payment_is_new(
    recorded: str | None, transaction_id: str, amount_fen: int, payable_fen: int
) -> bool:
    """False when this transaction is the one recorded already; PaymentMismatch
    when another one is, or the amount is not what the order asks."""
    if recorded == transaction_id:
        return False
    if recorded is not None:
        raise PaymentMismatch("order already paid by another transaction")
    if amount_fen != payable_fen:
        raise PaymentMismatch(
            "paid amount differs from the order", paid_fen=amount_fen, payable_fen=payable_fen
        )
    return True


def require_whole_refund(amount_fen: int, payable_fen: int) -> None:
    if amount_fen != payable_fen:
        raise PaymentMismatch(
            "refunded amount differs from the order",
            refund_fen=amount_fen,
            payable_fen=payable_fen,
        )


def is_past(since: datetime | None, after: timedelta, now: datetime) -> bool:
    """`after` has passed since `since` by `now` (never, when there is no `since`)."""
    return since is not None and now >= since + after


def out_refund_no(order_id: UUID, number: int) -> str:
    """The order's `number`th whole-order refund's number at WeChat Pay."""
    return f"{order_id.hex[:26]}RF{number:04d}"
