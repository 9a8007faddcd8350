"""Order use cases: place, cancel, fulfil, and after-sales.

Each is load -> call the aggregate -> save, with every aggregate it touches
saved in one atomic write (an order, the stock it reserves or releases, and the
member's coupon, points and spend — see benefits.py).
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from ..domain.catalogue import Stock
from ..domain.ids import stock_id_for
from ..domain.order import Order
from ..domain.values import Address, Delivery
from .campaign_orders import CampaignOrderUseCases
from .errors import NotFound
from .shop import retry_on_conflict


class OrderUseCases(CampaignOrderUseCases):
    def order(self, order_id: UUID, member_id: UUID | None = None) -> Order:
        """The order; with member_id, only if it is that member's (else 404)."""
        order = self.load(Order, order_id, "order")
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
    ) -> UUID:
        """Prices the cart as a quote would, refuses a stale quote, then records
        the order, its stock reservations, the coupon lock and the points
        redemption in one atomic write."""
        checkout = self.check_out(
            member_id=member_id,
            items=items,
            pickup=delivery.is_pickup,
            coupon_id=coupon_id,
            points=points,
        )
        self.require_quote(checkout, quote_id)
        order, changed = self.new_order(
            checkout,
            delivery=delivery,
            address=address,
            note=note,
            pay_within=self.policy.unpaid_timeout,
        )
        for stock, quantity in checkout.stocks:
            stock.reserve(order.id, quantity)
        self.save(order, *(stock for stock, _ in checkout.stocks), *changed)
        return order.id

    def _released_stock(self, order: Order) -> list[Aggregate]:
        """The order's units back on sale (a campaign's back to the campaign)."""
        if order.campaign is not None:
            return self.campaign_units_back(order, restock=True)
        stocks: list[Aggregate] = []
        for line in order.lines:
            stock = self.load(Stock, stock_id_for(line.sku_id), "SKU")
            stock.release(order.id, line.quantity)
            stocks.append(stock)
        return stocks

    @retry_on_conflict
    def cancel_order(self, order_id: UUID, *, member_id: UUID | None, reason: str) -> None:
        order = self.order(order_id, member_id)
        order.cancel(reason=reason, at=self.clock.now())
        self._save_cancelled(order)

    @retry_on_conflict
    def expire_order(self, order_id: UUID) -> bool:
        """Cancels the order if it is still unpaid past its deadline."""
        order = self.order(order_id)
        if not order.is_overdue(self.clock.now()):
            return False
        order.cancel(reason="payment timeout", at=self.clock.now())
        self._save_cancelled(order)
        return True

    def _save_cancelled(self, order: Order) -> None:
        self.save(
            order,
            *self._released_stock(order),
            *self.benefits_returned(order, refunded=False),
            *self.campaign_on_cancel(order),
        )

    @retry_on_conflict
    def ship_order(self, order_id: UUID, *, carrier: str, tracking_no: str) -> None:
        order = self.order(order_id)
        self.require_fulfillable(order)
        order.ship(carrier=carrier, tracking_no=tracking_no, at=self.clock.now())
        self.save(order)

    @retry_on_conflict
    def mark_ready_for_pickup(self, order_id: UUID) -> None:
        order = self.order(order_id)
        self.require_fulfillable(order)
        order.mark_ready_for_pickup(at=self.clock.now())
        self.save(order)

    @retry_on_conflict
    def confirm_receipt(self, order_id: UUID, *, member_id: UUID) -> None:
        order = self.order(order_id, member_id)
        order.confirm_receipt(at=self.clock.now())
        self.save(order)

    @retry_on_conflict
    def auto_confirm_receipt(self, order_id: UUID) -> bool:
        order = self.order(order_id)
        if not order.is_due_for_auto_receipt(self.clock.now(), self.policy.auto_receive_after):
            return False
        order.confirm_receipt(at=self.clock.now(), automatic=True)
        self.save(order)
        return True

    @retry_on_conflict
    def record_pickup(self, order_id: UUID) -> None:
        order = self.order(order_id)
        order.pick_up(at=self.clock.now())
        self.save(order)

    @retry_on_conflict
    def complete_order(self, order_id: UUID) -> bool:
        order = self.order(order_id)
        if not order.is_due_for_completion(self.clock.now(), self.policy.after_sales_window):
            return False
        order.complete(at=self.clock.now())
        self.save(order, *self.benefits_on_completion(order))
        return True

    @retry_on_conflict
    def request_refund(self, order_id: UUID, *, member_id: UUID, reason: str) -> None:
        order = self.order(order_id, member_id)
        order.request_refund(reason=reason, at=self.clock.now())
        self.save(order)

    @retry_on_conflict
    def approve_refund(self, order_id: UUID) -> str:
        order = self.order(order_id)
        order.approve_refund(at=self.clock.now())
        self.save(order, *self.campaign_on_refund_approved(order))
        assert order.out_refund_no is not None
        return order.out_refund_no

    @retry_on_conflict
    def refund_by_shop(self, order_id: UUID, *, reason: str) -> str:
        order = self.order(order_id)
        order.refund_by_shop(reason=reason, at=self.clock.now())
        self.save(order, *self.campaign_on_refund_approved(order))
        assert order.out_refund_no is not None
        return order.out_refund_no

    @retry_on_conflict
    def reject_refund(self, order_id: UUID, *, reason: str) -> None:
        order = self.order(order_id)
        order.reject_refund(reason=reason, at=self.clock.now())
        self.save(order)
