"""Order use cases: place, cancel, fulfil, and after-sales.

Each is load -> call the aggregate -> save, with every aggregate it touches
saved in one atomic write (an order and the stock it reserves or releases).
"""

from __future__ import annotations

from uuid import UUID

from ..domain.catalogue import Product, Stock
from ..domain.ids import stock_id_for
from ..domain.member import Member
from ..domain.order import Order
from ..domain.policy import OrderPolicy
from ..domain.pricing import price_order
from ..domain.values import Delivery, OrderLine
from .errors import InvalidInput, NotFound
from .shop import ShopBase, retry_on_conflict


class OrderUseCases(ShopBase):
    policy: OrderPolicy = OrderPolicy()

    def order(self, order_id: UUID, member_id: UUID | None = None) -> Order:
        """The order; with member_id, only if it is that member's (else 404)."""
        order = self.load(Order, order_id, "order")
        if member_id is not None and order.member_id != member_id:
            raise NotFound("order")
        return order

    @retry_on_conflict
    def place_order(
        self, *, member_id: UUID, items: list[tuple[str, int]], delivery: Delivery, note: str = ""
    ) -> UUID:
        member = self.load(Member, member_id, "member")
        now = self.clock.now()
        quantities: dict[str, int] = {}
        first_line: dict[str, int] = {}
        for index, (sku_id, quantity) in enumerate(items):
            quantities[sku_id] = quantities.get(sku_id, 0) + quantity
            first_line.setdefault(sku_id, index)
        lines: list[OrderLine] = []
        stocks: list[tuple[Stock, int]] = []
        for sku_id, quantity in quantities.items():
            field = f"lines[{first_line[sku_id]}].sku_id"
            stock, line = self._line_for(sku_id, quantity, field=field)
            lines.append(line)
            stocks.append((stock, quantity))
        order = Order(
            member_id=member_id,
            payer_openid=member.openid,
            lines=lines,
            delivery=delivery,
            price=price_order(lines, delivery, self.policy.shipping),
            note=note,
            placed_at=now,
            pay_deadline=now + self.policy.unpaid_timeout,
        )
        for stock, quantity in stocks:
            stock.reserve(order.id, quantity)
        self.save(order, *(stock for stock, _ in stocks))
        return order.id

    def _line_for(self, sku_id: str, quantity: int, field: str) -> tuple[Stock, OrderLine]:
        try:
            stock = self.load(Stock, stock_id_for(sku_id), "SKU")
            product = self.load(Product, UUID(stock.product_id), "product")
        except NotFound:
            raise InvalidInput(field, f"no SKU {sku_id!r} in the catalogue") from None
        spec = product.sku(sku_id)
        if spec is None:
            raise InvalidInput(field, f"no SKU {sku_id!r} in the catalogue")
        line = OrderLine(
            product_id=str(product.id),
            sku_id=sku_id,
            title=f"{product.title} {spec.name}".strip(),
            unit_price_fen=spec.price_fen,
            quantity=quantity,
        )
        return stock, line

    def _released_stock(self, order: Order) -> list[Stock]:
        stocks = []
        for line in order.lines:
            stock = self.load(Stock, stock_id_for(line.sku_id), "SKU")
            stock.release(order.id, line.quantity)
            stocks.append(stock)
        return stocks

    @retry_on_conflict
    def cancel_order(self, order_id: UUID, *, member_id: UUID | None, reason: str) -> None:
        order = self.order(order_id, member_id)
        order.cancel(reason=reason, at=self.clock.now())
        self.save(order, *self._released_stock(order))

    @retry_on_conflict
    def expire_order(self, order_id: UUID) -> bool:
        """Cancels the order if it is still unpaid past its deadline."""
        order = self.order(order_id)
        if not order.is_overdue(self.clock.now()):
            return False
        order.cancel(reason="payment timeout", at=self.clock.now())
        self.save(order, *self._released_stock(order))
        return True

    @retry_on_conflict
    def ship_order(self, order_id: UUID, *, carrier: str, tracking_no: str) -> None:
        order = self.order(order_id)
        order.ship(carrier=carrier, tracking_no=tracking_no, at=self.clock.now())
        self.save(order)

    @retry_on_conflict
    def mark_ready_for_pickup(self, order_id: UUID) -> None:
        order = self.order(order_id)
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
        self.save(order)
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
        self.save(order)
        assert order.out_refund_no is not None
        return order.out_refund_no

    @retry_on_conflict
    def reject_refund(self, order_id: UUID, *, reason: str) -> None:
        order = self.order(order_id)
        order.reject_refund(reason=reason, at=self.clock.now())
        self.save(order)
