"""The Order aggregate and its whole lifecycle.

    pending_payment --pay--> paid --ship--> shipped --receive--> received --+
          |                   |                                             +--> completed
          |                   +--ready--> ready_for_pickup --pick up--> picked_up --+
          +--cancel / payment timeout--> cancelled

After-sales runs beside the main status: refund requested -> approved (an
out_refund_no is assigned and WeChat Pay is asked) or rejected; the signed
refund notification completes it (refunded) or fails it (can be approved again).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from .errors import DomainError, InvalidTransition, PaymentMismatch
from .values import CampaignRef, Delivery, OrderLine, PriceBreakdown


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


class Order(Aggregate):
    class Placed(Aggregate.Created):
        member_id: UUID
        payer_openid: str
        lines: list[OrderLine]
        delivery: Delivery
        price: PriceBreakdown
        note: str
        placed_at: datetime
        pay_deadline: datetime
        campaign: CampaignRef | None

    @event(Placed)
    def __init__(
        self,
        member_id: UUID,
        payer_openid: str,
        lines: list[OrderLine],
        delivery: Delivery,
        price: PriceBreakdown,
        note: str,
        placed_at: datetime,
        pay_deadline: datetime,
        campaign: CampaignRef | None = None,
    ) -> None:
        if not lines:
            raise DomainError("an order needs at least one line")
        self.member_id = member_id
        self.payer_openid = payer_openid
        self.lines = list(lines)
        self.delivery = delivery
        self.price = price
        self.pay_deadline = pay_deadline
        self.campaign = campaign
        self.status = S.PENDING_PAYMENT
        self.refund_status = RefundStatus.NONE
        self.transaction_id: str | None = None
        self.out_refund_no: str | None = None
        self.refund_count = 0
        self.shipped_at: datetime | None = None
        self.received_at: datetime | None = None
        self.refunded_fen = 0
        self.refunded_goods_fen = 0

    @property
    def out_trade_no(self) -> str:
        return self.id.hex

    @property
    def paid_goods_fen(self) -> int:
        """What the member paid for the goods and kept (points are earned on it)."""
        return self.price.payable_fen - self.price.shipping_fen - self.refunded_goods_fen

    def _require(self, *allowed: OrderStatus, action: str) -> None:
        if self.status not in allowed:
            raise InvalidTransition(
                f"cannot {action} an order that is {self.status}", status=str(self.status)
            )

    def _require_no_open_refund(self, action: str) -> None:
        if self.refund_status in REFUND_OPEN:
            raise InvalidTransition(
                f"cannot {action} while a refund is {self.refund_status}",
                refund_status=str(self.refund_status),
            )

    # -- payment ---------------------------------------------------------------
    def record_payment(self, transaction_id: str, amount_fen: int, paid_at: datetime) -> bool:
        """Returns False when this transaction was already recorded."""
        if self.transaction_id == transaction_id:
            return False
        if self.transaction_id is not None:
            raise PaymentMismatch("order already paid by another transaction")
        if amount_fen != self.price.payable_fen:
            raise PaymentMismatch(
                "paid amount differs from the order",
                paid_fen=amount_fen,
                payable_fen=self.price.payable_fen,
            )
        if self.status == S.CANCELLED:
            self._paid_after_close(transaction_id=transaction_id, amount_fen=amount_fen, at=paid_at)
            self._approve_refund(reason="payment arrived after the order closed", at=paid_at)
            return True
        self._require(S.PENDING_PAYMENT, action="pay")
        self._paid(transaction_id=transaction_id, amount_fen=amount_fen, at=paid_at)
        return True

    class Paid(Aggregate.Event):
        transaction_id: str
        amount_fen: int
        at: datetime

    @event(Paid)
    def _paid(self, transaction_id: str, amount_fen: int, at: datetime) -> None:
        self.transaction_id = transaction_id
        self.status = S.PAID

    class PaidAfterClose(Aggregate.Event):
        transaction_id: str
        amount_fen: int
        at: datetime

    @event(PaidAfterClose)
    def _paid_after_close(self, transaction_id: str, amount_fen: int, at: datetime) -> None:
        self.transaction_id = transaction_id

    # -- cancellation ----------------------------------------------------------
    def cancel(self, reason: str, at: datetime) -> None:
        self._require(S.PENDING_PAYMENT, action="cancel")
        self._cancelled(reason=reason, at=at)

    def is_overdue(self, now: datetime) -> bool:
        return self.status == S.PENDING_PAYMENT and now >= self.pay_deadline

    class Cancelled(Aggregate.Event):
        reason: str
        at: datetime

    @event(Cancelled)
    def _cancelled(self, reason: str, at: datetime) -> None:
        self.status = S.CANCELLED

    # -- fulfilment ------------------------------------------------------------
    def ship(self, carrier: str, tracking_no: str, at: datetime) -> None:
        self._require(S.PAID, action="ship")
        if self.delivery.is_pickup:
            raise InvalidTransition("a store-pickup order is not shipped")
        self._require_no_open_refund("ship")
        self._shipped(carrier=carrier, tracking_no=tracking_no, at=at)

    class Shipped(Aggregate.Event):
        carrier: str
        tracking_no: str
        at: datetime

    @event(Shipped)
    def _shipped(self, carrier: str, tracking_no: str, at: datetime) -> None:
        self.status = S.SHIPPED
        self.shipped_at = at

    def mark_ready_for_pickup(self, at: datetime) -> None:
        self._require(S.PAID, action="prepare for pickup")
        if not self.delivery.is_pickup:
            raise InvalidTransition("only store-pickup orders are picked up")
        self._require_no_open_refund("prepare for pickup")
        self._ready_for_pickup(at=at)

    class ReadyForPickup(Aggregate.Event):
        at: datetime

    @event(ReadyForPickup)
    def _ready_for_pickup(self, at: datetime) -> None:
        self.status = S.READY_FOR_PICKUP

    def confirm_receipt(self, at: datetime, automatic: bool = False) -> None:
        self._require(S.SHIPPED, action="confirm receipt of")
        self._received(at=at, automatic=automatic)

    def is_due_for_auto_receipt(self, now: datetime, after: timedelta) -> bool:
        return (
            self.status == S.SHIPPED
            and self.shipped_at is not None
            and (now >= self.shipped_at + after)
        )

    class Received(Aggregate.Event):
        at: datetime
        automatic: bool

    @event(Received)
    def _received(self, at: datetime, automatic: bool) -> None:
        self.status = S.RECEIVED
        self.received_at = at

    def pick_up(self, at: datetime) -> None:
        self._require(S.READY_FOR_PICKUP, action="pick up")
        self._require_no_open_refund("hand over goods")
        self._picked_up(at=at)

    class PickedUp(Aggregate.Event):
        at: datetime

    @event(PickedUp)
    def _picked_up(self, at: datetime) -> None:
        self.status = S.PICKED_UP
        self.received_at = at

    def complete(self, at: datetime) -> None:
        self._require(S.RECEIVED, S.PICKED_UP, action="complete")
        self._require_no_open_refund("complete")
        self._completed(at=at)

    def is_due_for_completion(self, now: datetime, after: timedelta) -> bool:
        return (
            self.status in (S.RECEIVED, S.PICKED_UP)
            and self.refund_status not in REFUND_OPEN
            and self.received_at is not None
            and now >= self.received_at + after
        )

    class Completed(Aggregate.Event):
        at: datetime

    @event(Completed)
    def _completed(self, at: datetime) -> None:
        self.status = S.COMPLETED

    # -- after-sales -----------------------------------------------------------
    def request_refund(self, reason: str, at: datetime) -> None:
        if self.status not in REFUNDABLE:
            raise InvalidTransition(
                f"cannot request a refund for an order that is {self.status}",
                status=str(self.status),
            )
        self._require_no_open_refund("request another refund")
        self._refund_requested(reason=reason, at=at)

    class RefundRequested(Aggregate.Event):
        reason: str
        at: datetime

    @event(RefundRequested)
    def _refund_requested(self, reason: str, at: datetime) -> None:
        self.refund_status = RefundStatus.REQUESTED

    def refund_by_shop(self, reason: str, at: datetime) -> None:
        """The shop refunds on its own initiative (e.g. a complaint after the
        after-sales window): also allowed once the order is completed."""
        if self.status not in REFUNDABLE | {S.COMPLETED}:
            raise InvalidTransition(
                f"cannot refund an order that is {self.status}", status=str(self.status)
            )
        self._require_no_open_refund("refund again")
        self._approve_refund(reason=reason, at=at)

    def approve_refund(self, at: datetime) -> None:
        if self.refund_status not in (RefundStatus.REQUESTED, RefundStatus.FAILED):
            raise InvalidTransition(
                f"no refund to approve (refund is {self.refund_status})",
                refund_status=str(self.refund_status),
            )
        self._approve_refund(reason="approved by the shop", at=at)

    def _approve_refund(self, reason: str, at: datetime) -> None:
        number = self.refund_count + 1
        self._refund_approved(
            out_refund_no=f"{self.id.hex[:26]}RF{number:04d}",
            amount_fen=self.price.payable_fen,
            reason=reason,
            at=at,
        )

    class RefundApproved(Aggregate.Event):
        out_refund_no: str
        amount_fen: int
        reason: str
        at: datetime

    @event(RefundApproved)
    def _refund_approved(
        self, out_refund_no: str, amount_fen: int, reason: str, at: datetime
    ) -> None:
        self.refund_count += 1
        self.out_refund_no = out_refund_no
        self.refund_status = RefundStatus.APPROVED

    def reject_refund(self, reason: str, at: datetime) -> None:
        if self.refund_status not in (RefundStatus.REQUESTED, RefundStatus.FAILED):
            raise InvalidTransition(
                f"no refund request to reject (refund is {self.refund_status})",
                refund_status=str(self.refund_status),
            )
        self._refund_rejected(reason=reason, at=at)

    class RefundRejected(Aggregate.Event):
        reason: str
        at: datetime

    @event(RefundRejected)
    def _refund_rejected(self, reason: str, at: datetime) -> None:
        self.refund_status = RefundStatus.REJECTED

    @property
    def returns_stock_on_refund(self) -> bool:
        """Goods never left the shop: a refund puts them back on sale."""
        return self.status in (S.PAID, S.READY_FOR_PICKUP)

    def record_refund(
        self, out_refund_no: str, refund_id: str, amount_fen: int, at: datetime
    ) -> bool:
        """Returns False when this refund was already recorded."""
        if self.refund_status == RefundStatus.REFUNDED and out_refund_no == self.out_refund_no:
            return False
        self._require_refund_in_flight(out_refund_no)
        if amount_fen != self.price.payable_fen:
            raise PaymentMismatch(
                "refunded amount differs from the order",
                refund_fen=amount_fen,
                payable_fen=self.price.payable_fen,
            )
        self._refunded(
            out_refund_no=out_refund_no,
            refund_id=refund_id,
            amount_fen=amount_fen,
            restocked=self.returns_stock_on_refund,
            at=at,
        )
        return True

    class Refunded(Aggregate.Event):
        out_refund_no: str
        refund_id: str
        amount_fen: int
        restocked: bool
        at: datetime

    @event(Refunded)
    def _refunded(
        self, out_refund_no: str, refund_id: str, amount_fen: int, restocked: bool, at: datetime
    ) -> None:
        self.refund_status = RefundStatus.REFUNDED
        if self.status != S.CANCELLED:
            self.status = S.REFUNDED

    def record_refund_failure(self, out_refund_no: str, outcome: str, at: datetime) -> bool:
        if self.refund_status == RefundStatus.FAILED and out_refund_no == self.out_refund_no:
            return False
        self._require_refund_in_flight(out_refund_no)
        self._refund_failed(out_refund_no=out_refund_no, outcome=outcome, at=at)
        return True

    class RefundFailed(Aggregate.Event):
        out_refund_no: str
        outcome: str
        at: datetime

    @event(RefundFailed)
    def _refund_failed(self, out_refund_no: str, outcome: str, at: datetime) -> None:
        self.refund_status = RefundStatus.FAILED

    def _require_refund_in_flight(self, out_refund_no: str) -> None:
        if self.refund_status != RefundStatus.APPROVED or out_refund_no != self.out_refund_no:
            raise InvalidTransition(
                "no refund in flight with that number",
                out_refund_no=out_refund_no,
                refund_status=str(self.refund_status),
            )

    # -- partial after-sales (after_sale.py) -------------------------------------
    def require_after_sales(self) -> None:
        """Some units may be asked back: paid, not completed, no whole-order refund."""
        if self.status not in REFUNDABLE:
            raise InvalidTransition(
                f"cannot request after-sales for an order that is {self.status}",
                status=str(self.status),
            )
        if self.refund_status not in (RefundStatus.NONE, RefundStatus.REJECTED):
            raise InvalidTransition(
                f"the order has a whole-order refund that is {self.refund_status}",
                refund_status=str(self.refund_status),
            )
        if self.campaign is not None:
            raise InvalidTransition("campaign orders are refunded whole")

    def record_after_sale_refund(
        self,
        after_sale_id: UUID,
        units: dict[str, int],
        goods_fen: int,
        amount_fen: int,
        whole: bool,
        at: datetime,
    ) -> None:
        self._after_sale_refunded(
            after_sale_id=str(after_sale_id),
            units=units,
            goods_fen=goods_fen,
            amount_fen=amount_fen,
            whole=whole,
            at=at,
        )

    class AfterSaleRefunded(Aggregate.Event):
        after_sale_id: str
        units: dict[str, int]
        goods_fen: int
        amount_fen: int
        whole: bool
        at: datetime

    @event(AfterSaleRefunded)
    def _after_sale_refunded(
        self,
        after_sale_id: str,
        units: dict[str, int],
        goods_fen: int,
        amount_fen: int,
        whole: bool,
        at: datetime,
    ) -> None:
        self.refunded_fen += amount_fen
        self.refunded_goods_fen += goods_fen
        if whole:
            self.status = S.REFUNDED
            self.refund_status = RefundStatus.REFUNDED
