"""Order use cases: place, cancel, fulfil, and after-sales.

Each is load -> call the aggregate -> save, with every aggregate it touches
saved in one atomic write: an order, the stock it reserves, and what its
cancellation, refund approval or completion also changes (order_reactions.py).
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from ..domain.order import Order
from ..domain.policy import OrderPolicy
from ..domain.refund_ledger import RefundLedger, ledger_id_for
from ..domain.values import Address, Delivery
from .checkout import CheckoutUseCases
from .errors import NotFound
from .order_reactions import OrderReactions
from .store import EventStore, retry_on_conflict


class OrderUseCases:
    def __init__(
        self,
        store: EventStore,
        checkout: CheckoutUseCases,
        reactions: OrderReactions,
        *,
        policy: OrderPolicy,
    ) -> None:
        self.store = store
        self.checkout = checkout
        self.reactions = reactions
        self.policy = policy

    def order(self, order_id: UUID, member_id: UUID | None = None) -> Order:
        """The order; with member_id, only if it is that member's (else 404)."""
        order = self.store.load(Order, order_id, "order")
        if member_id is not None and order.member_id != member_id:
            raise NotFound("order")
        return order

    @retry_on_conflict
    def place_order(
        self,
        *,
        member_id: UUID,
        items: list[tuple[str, int]],
        delivery: Delivery,
        address: Address | None = None,
        note: str = "",
        coupon_id: str | None = None,
        points: int = 0,
        quote_id: str | None = None,
        pick_best: bool = False,
    ) -> UUID:
        """Prices the cart as a quote would (with `pick_best`, the best coupon
        when none is named), refuses a stale quote, then records the order, its
        stock reservations, the coupon lock and the points redemption in one
        atomic write."""
        checkout = self.checkout.check_out(
            member_id=member_id,
            items=items,
            pickup=delivery.is_pickup,
            coupon_id=coupon_id,
            points=points,
            pick_best=pick_best,
        )
        self.checkout.require_quote(checkout, quote_id)
        order, changed = self.checkout.new_order(
            checkout,
            delivery=delivery,
            address=address,
            note=note,
            pay_within=self.policy.unpaid_timeout,
        )
        for stock, quantity in checkout.stocks:
            stock.reserve(order.id, quantity)
        self.store.save(order, *(stock for stock, _ in checkout.stocks), *changed)
        return order.id

    @retry_on_conflict
    def cancel_order(self, order_id: UUID, *, member_id: UUID | None, reason: str) -> None:
        order = self.order(order_id, member_id)
        order.cancel(reason=reason, at=self.store.clock.now())
        self._save_cancelled(order)

    @retry_on_conflict
    def expire_order(self, order_id: UUID) -> bool:
        """Cancels the order if it is still unpaid past its deadline."""
        order = self.order(order_id)
        if not order.is_overdue(self.store.clock.now()):
            return False
        order.cancel(reason="payment timeout", at=self.store.clock.now())
        self._save_cancelled(order)
        return True

    def _save_cancelled(self, order: Order) -> None:
        self.store.save(order, *self.reactions.on_cancel(order))

    @retry_on_conflict
    def ship_order(self, order_id: UUID, *, carrier: str, tracking_no: str) -> None:
        order = self.order(order_id)
        self.reactions.before_fulfilment(order)
        order.ship(carrier=carrier, tracking_no=tracking_no, at=self.store.clock.now())
        self.store.save(order)

    @retry_on_conflict
    def mark_ready_for_pickup(self, order_id: UUID) -> None:
        order = self.order(order_id)
        self.reactions.before_fulfilment(order)
        order.mark_ready_for_pickup(at=self.store.clock.now())
        self.store.save(order)

    @retry_on_conflict
    def confirm_receipt(self, order_id: UUID, *, member_id: UUID) -> None:
        order = self.order(order_id, member_id)
        order.confirm_receipt(at=self.store.clock.now())
        self.store.save(order)

    @retry_on_conflict
    def auto_confirm_receipt(self, order_id: UUID) -> bool:
        order = self.order(order_id)
        now = self.store.clock.now()
        if not order.is_due_for_auto_receipt(now, self.policy.auto_receive_after):
            return False
        order.confirm_receipt(at=now, automatic=True)
        self.store.save(order)
        return True

    @retry_on_conflict
    def record_pickup(self, order_id: UUID) -> None:
        order = self.order(order_id)
        order.pick_up(at=self.store.clock.now())
        self.store.save(order)

    @retry_on_conflict
    def complete_order(self, order_id: UUID) -> bool:
        order = self.order(order_id)
        if not order.is_due_for_completion(self.store.clock.now(), self.policy.after_sales_window):
            return False
        ledger = self.store.find(RefundLedger, ledger_id_for(order.id))
        if ledger is not None and ledger.open:
            return False  # an after-sales request is still open: completes once it ends
        order.complete(at=self.store.clock.now())
        self.store.save(order, *self.reactions.on_completion(order))
        return True

    def _hold_ledger(self, order: Order) -> RefundLedger:
        """A whole-order refund holds the order's refund ledger, saved with the
        order: refused once some units are asked back (after_sales.py; the rest
        is refunded by after-sales requests), and no unit can be asked back
        while it holds. Both write the ledger, so they never both pass."""
        ledger = self.store.find(RefundLedger, ledger_id_for(order.id))
        ledger = ledger or RefundLedger(order_id=order.id)
        ledger.hold_for_whole_refund(at=self.store.clock.now())
        return ledger

    @retry_on_conflict
    def request_refund(self, order_id: UUID, *, member_id: UUID, reason: str) -> None:
        order = self.order(order_id, member_id)
        order.request_refund(reason=reason, at=self.store.clock.now())
        self.store.save(order, self._hold_ledger(order))

    @retry_on_conflict
    def approve_refund(self, order_id: UUID) -> str:
        order = self.order(order_id)
        order.approve_refund(at=self.store.clock.now())
        self.store.save(order, *self.reactions.on_refund_approved(order))
        assert order.out_refund_no is not None
        return order.out_refund_no

    @retry_on_conflict
    def refund_by_shop(self, order_id: UUID, *, reason: str) -> str:
        order = self.order(order_id)
        order.refund_by_shop(reason=reason, at=self.store.clock.now())
        ledger = self._hold_ledger(order)
        self.store.save(order, ledger, *self.reactions.on_refund_approved(order))
        assert order.out_refund_no is not None
        return order.out_refund_no

    @retry_on_conflict
    def reject_refund(self, order_id: UUID, *, reason: str) -> None:
        """The hold is released with the rejection: units may be asked back."""
        order = self.order(order_id)
        now = self.store.clock.now()
        order.reject_refund(reason=reason, at=now)
        changed: list[Aggregate] = [order]
        ledger = self.store.find(RefundLedger, ledger_id_for(order.id))
        if ledger is not None and ledger.release_whole_refund(at=now):
            changed.append(ledger)
        self.store.save(*changed)
