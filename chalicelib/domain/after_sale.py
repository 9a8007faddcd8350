"""An after-sales request: some units of one order refunded, with or without
the goods coming back.

    refund_only:        requested --approve--> refunding --notified--> refunded
    return_and_refund:  requested --approve--> awaiting_return --return--> returning
                        --received--> refunding --notified--> refunded
    requested / awaiting_return / returning --reject--> rejected
    refunding --refund failed--> failed --approve--> refunding (a new attempt)

Each refund attempt has its own deterministic out_refund_no ("AS", the
request id, "R" and the attempt number), so a redelivered intent asks WeChat
Pay for the same refund and the refund notification finds its request.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from .errors import InvalidTransition, PaymentMismatch

PREFIX = "AS"


class AfterSaleKind(StrEnum):
    REFUND_ONLY = "refund_only"
    RETURN_AND_REFUND = "return_and_refund"


class AfterSaleStatus(StrEnum):
    REQUESTED = "requested"
    AWAITING_RETURN = "awaiting_return"
    RETURNING = "returning"
    REFUNDING = "refunding"
    REFUNDED = "refunded"
    FAILED = "failed"
    REJECTED = "rejected"


A = AfterSaleStatus
REJECTABLE = {A.REQUESTED, A.AWAITING_RETURN, A.RETURNING}


def after_sale_id_from_refund_no(out_refund_no: str) -> UUID | None:
    """The request an out_refund_no belongs to (None: not an after-sales one)."""
    if not (out_refund_no.startswith(PREFIX) and len(out_refund_no) == 37):
        return None
    try:
        return UUID(hex=out_refund_no[2:34])
    except ValueError:
        return None


class AfterSale(Aggregate):
    class Requested(Aggregate.Created):
        order_id: UUID
        member_id: UUID
        kind: str
        reason: str
        units: dict[str, int]
        worth: dict[str, int]
        shipping_fen: int
        total_fen: int
        at: datetime

    @event(Requested)
    def __init__(
        self,
        order_id: UUID,
        member_id: UUID,
        kind: str,
        reason: str,
        units: dict[str, int],
        worth: dict[str, int],
        shipping_fen: int,
        total_fen: int,
        at: datetime,
    ) -> None:
        self.order_id = order_id
        self.member_id = member_id
        self.kind = AfterSaleKind(kind)
        self.reason = reason
        self.units = dict(units)
        self.goods_fen = sum(worth.values())
        self.shipping_fen = shipping_fen
        self.amount_fen = self.goods_fen + shipping_fen
        self.total_fen = total_fen
        self.status = A.REQUESTED
        self.attempts = 0
        self.out_refund_no: str | None = None

    def _require(self, *allowed: AfterSaleStatus, action: str) -> None:
        if self.status not in allowed:
            raise InvalidTransition(
                f"cannot {action} an after-sales request that is {self.status}",
                status=str(self.status),
            )

    def approve(self, at: datetime) -> None:
        self._require(A.REQUESTED, A.FAILED, action="approve")
        if self.status == A.REQUESTED and self.kind == AfterSaleKind.RETURN_AND_REFUND:
            self._approved(at=at)
        else:
            self._send_refund(at)

    class Approved(Aggregate.Event):
        at: datetime

    @event(Approved)
    def _approved(self, at: datetime) -> None:
        self.status = A.AWAITING_RETURN

    def submit_return(self, carrier: str, tracking_no: str, at: datetime) -> None:
        self._require(A.AWAITING_RETURN, action="send back the goods of")
        self._return_submitted(carrier=carrier, tracking_no=tracking_no, at=at)

    class ReturnSubmitted(Aggregate.Event):
        carrier: str
        tracking_no: str
        at: datetime

    @event(ReturnSubmitted)
    def _return_submitted(self, carrier: str, tracking_no: str, at: datetime) -> None:
        self.status = A.RETURNING

    def confirm_received(self, at: datetime) -> None:
        self._require(A.RETURNING, action="confirm the returned goods of")
        self._goods_received(at=at)
        self._send_refund(at)

    class GoodsReceived(Aggregate.Event):
        at: datetime

    @event(GoodsReceived)
    def _goods_received(self, at: datetime) -> None:
        self.status = A.REFUNDING

    def _send_refund(self, at: datetime) -> None:
        """The refund WeChat Pay is asked for, with the request's reason (the
        member's, or the shop's own for a request it made): the reason the
        buyer's refund notice shows."""
        attempt = self.attempts + 1
        self._refund_approved(
            out_trade_no=self.order_id.hex,
            out_refund_no=f"{PREFIX}{self.id.hex}R{attempt:02d}",
            amount_fen=self.amount_fen,
            total_fen=self.total_fen,
            reason=self.reason,
            at=at,
        )

    class RefundApproved(Aggregate.Event):
        out_trade_no: str
        out_refund_no: str
        amount_fen: int
        total_fen: int
        reason: str
        at: datetime

    @event(RefundApproved)
    def _refund_approved(
        self,
        out_trade_no: str,
        out_refund_no: str,
        amount_fen: int,
        total_fen: int,
        reason: str,
        at: datetime,
    ) -> None:
        self.attempts += 1
        self.out_refund_no = out_refund_no
        self.status = A.REFUNDING

    def reject(self, reason: str, at: datetime) -> None:
        self._require(*REJECTABLE, action="reject")
        self._rejected(reason=reason, at=at)

    class Rejected(Aggregate.Event):
        reason: str
        at: datetime

    @event(Rejected)
    def _rejected(self, reason: str, at: datetime) -> None:
        self.status = A.REJECTED

    def record_refund(
        self, out_refund_no: str, refund_id: str, amount_fen: int, at: datetime
    ) -> bool:
        """False when this refund was already recorded."""
        if self.status == A.REFUNDED and out_refund_no == self.out_refund_no:
            return False
        self._require_in_flight(out_refund_no)
        if amount_fen != self.amount_fen:
            raise PaymentMismatch(
                "refunded amount differs from the request",
                refund_fen=amount_fen,
                amount_fen=self.amount_fen,
            )
        self._refunded(out_refund_no=out_refund_no, refund_id=refund_id, at=at)
        return True

    class Refunded(Aggregate.Event):
        out_refund_no: str
        refund_id: str
        at: datetime

    @event(Refunded)
    def _refunded(self, out_refund_no: str, refund_id: str, at: datetime) -> None:
        self.status = A.REFUNDED

    def record_refund_failure(self, out_refund_no: str, outcome: str, at: datetime) -> bool:
        if self.status == A.FAILED and out_refund_no == self.out_refund_no:
            return False
        self._require_in_flight(out_refund_no)
        self._refund_failed(out_refund_no=out_refund_no, outcome=outcome, at=at)
        return True

    class RefundFailed(Aggregate.Event):
        out_refund_no: str
        outcome: str
        at: datetime

    @event(RefundFailed)
    def _refund_failed(self, out_refund_no: str, outcome: str, at: datetime) -> None:
        self.status = A.FAILED

    def _require_in_flight(self, out_refund_no: str) -> None:
        if self.status != A.REFUNDING or out_refund_no != self.out_refund_no:
            raise InvalidTransition(
                "no refund in flight with that number",
                out_refund_no=out_refund_no,
                status=str(self.status),
            )
