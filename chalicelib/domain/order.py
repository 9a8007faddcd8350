"""The Order aggregate and its whole lifecycle (order_status.py draws it): paid,
fulfilled by shipping or store pickup, completed, or cancelled; refunded whole
beside the main status, or part by part with after-sales (after_sale.py). The
checks that record nothing are in order_rules.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from . import order_rules as rules
from .errors import DomainError, InvalidTransition
from .order_status import REFUND_OPEN, REFUNDABLE, OrderStatus, RefundStatus
from .values import CampaignRef, Delivery, OrderLine, PriceBreakdown

__all__ = ["REFUNDABLE", "Order", "OrderStatus", "RefundStatus"]
S = OrderStatus


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
        self.refund_reason = ""
        """The reason of the whole refund asked for or approved last: the one an
        approval sends to WeChat Pay, again when a failed refund is retried."""
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
        rules.require_status(self.status, allowed, action)

    def _require_no_open_refund(self, action: str) -> None:
        rules.require_no_open_refund(self.refund_status, action)

    # -- payment ---------------------------------------------------------------
    def record_payment(self, transaction_id: str, amount_fen: int, paid_at: datetime) -> bool:
        """Returns False when this transaction was already recorded."""
        payable = self.price.payable_fen
        if not rules.payment_is_new(self.transaction_id, transaction_id, amount_fen, payable):
            return False
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
        return self.status == S.SHIPPED and rules.is_past(self.shipped_at, after, now)

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
            and rules.is_past(self.received_at, after, now)
        )

    class Completed(Aggregate.Event):
        at: datetime

    @event(Completed)
    def _completed(self, at: datetime) -> None:
        self.status = S.COMPLETED

    # -- after-sales -----------------------------------------------------------
    def request_refund(self, reason: str, at: datetime) -> None:
        rules.require_status(self.status, REFUNDABLE, action="request a refund for")
        self._require_no_open_refund("request another refund")
        self._refund_requested(reason=reason, at=at)

    class RefundRequested(Aggregate.Event):
        reason: str
        at: datetime

    @event(RefundRequested)
    def _refund_requested(self, reason: str, at: datetime) -> None:
        self.refund_status = RefundStatus.REQUESTED
        self.refund_reason = reason

    def refund_by_shop(self, reason: str, at: datetime) -> None:
        """The shop refunds on its own initiative (e.g. a complaint after the
        after-sales window): also allowed once the order is completed."""
        rules.require_status(self.status, REFUNDABLE | {S.COMPLETED}, action="refund")
        self._require_no_open_refund("refund again")
        self._approve_refund(reason=reason, at=at)

    def approve_refund(self, at: datetime) -> None:
        """The member's request (or a failed refund) approved: the refund
        carries the member's own reason, which WeChat Pay shows in the buyer's
        refund notice; a retried refund carries the reason it was approved with."""
        rules.require_refund_to_decide(self.refund_status, "no refund to approve")
        self._approve_refund(reason=self.refund_reason, at=at)

    def _approve_refund(self, reason: str, at: datetime) -> None:
        self._refund_approved(
            out_refund_no=rules.out_refund_no(self.id, self.refund_count + 1),
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
        self.refund_reason = reason

    def reject_refund(self, reason: str, at: datetime) -> None:
        rules.require_refund_to_decide(self.refund_status, "no refund request to reject")
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
        rules.require_refund_in_flight(self.refund_status, self.out_refund_no, out_refund_no)
        rules.require_whole_refund(amount_fen, self.price.payable_fen)
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
        rules.require_refund_in_flight(self.refund_status, self.out_refund_no, out_refund_no)
        self._refund_failed(out_refund_no=out_refund_no, outcome=outcome, at=at)
        return True

    class RefundFailed(Aggregate.Event):
        out_refund_no: str
        outcome: str
        at: datetime

    @event(RefundFailed)
    def _refund_failed(self, out_refund_no: str, outcome: str, at: datetime) -> None:
        self.refund_status = RefundStatus.FAILED

    # -- partial after-sales (after_sale.py) -------------------------------------
    def require_after_sales(self) -> None:
        """Some units may be asked back: paid, not completed, no whole-order
        refund, not a bargain order (a group-buy one once its team formed)."""
        kind = self.campaign.kind if self.campaign is not None else None
        rules.require_after_sales(self.status, self.refund_status, kind)

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
