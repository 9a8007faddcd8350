"""Partial after-sales: a member asks some units of an order back, the shop
approves (and, for a return, confirms the goods came back), WeChat Pay
refunds the request's share, and its signed notification settles it.

Every request is written together with its order's refund ledger
(refund_ledger.py), so racing requests never claim a unit twice. What a
settled refund also changes is saved in the same write: refund_only units of
an order that never left the shop go back on sale (a return's units went back
when the shop confirmed receipt), and the refund gives back its share of the
redeemed points (apportion.py rule 4); when the order's last unit is refunded
the order is refunded as a whole: its coupon comes back while valid, the rest
of the redeemed points come back and the member's spend is reversed
(benefits.py). Points are earned at completion on what was paid and kept
(`Order.paid_goods_fen`).

A flash-sale order takes after-sales too, and a group-buy order once its team
has formed (teams.py `require_after_sales`; a bargain order, one unit, is
refunded whole: Order.require_after_sales): its units back on sale go to the
campaign shard the order took them from while the shard is open, else to the
SKU's regular stock (campaign_orders.py `stock_part_back`), and a settled
refund frees the member's campaign limit by its units (`limit_part_back`).

A whole-order refund holds the same ledger (orders.py), so a whole-order
refund and a request racing on one order never both pass. The shop's own
refund of a paid order its member's closing stranded (shop_refunds.py: at the
closing, members.py, and when a request of it is rejected after) goes through
the ledger as well, so it never refunds a unit a request claims.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate

from ..domain.after_sale import AfterSale, AfterSaleKind, after_sale_id_from_refund_no
from ..domain.catalogue import Stock
from ..domain.ids import stock_id_for
from ..domain.member import Member
from ..domain.order import Order
from ..domain.refund_ledger import RefundLedger, ledger_id_for
from .benefits import Benefits
from .campaign_orders import CampaignOrders
from .errors import InvalidInput, NotFound
from .orders import OrderUseCases
from .shop_refunds import awaits_shipping, claim, refund_stranded
from .store import EventStore, retry_on_conflict
from .teams import TeamReactions


class AfterSalesUseCases:
    def __init__(
        self,
        store: EventStore,
        orders: OrderUseCases,
        benefits: Benefits,
        campaign_orders: CampaignOrders,
        teams: TeamReactions,
    ) -> None:
        self.store = store
        self.orders = orders
        self.benefits = benefits
        self.campaign_orders = campaign_orders
        self.teams = teams

    def after_sale(self, after_sale_id: UUID, member_id: UUID | None = None) -> AfterSale:
        """The request; with member_id, only if it is that member's (else 404)."""
        after_sale = self.store.load(AfterSale, after_sale_id, "after-sales request")
        if member_id is not None and after_sale.member_id != member_id:
            raise NotFound("after-sales request")
        return after_sale

    def ledger(self, order_id: UUID) -> RefundLedger | None:
        return self.store.find(RefundLedger, ledger_id_for(order_id))

    @retry_on_conflict
    def request(
        self,
        order_id: UUID,
        *,
        member_id: UUID,
        kind: AfterSaleKind,
        reason: str,
        lines: list[tuple[str, int]],
    ) -> UUID:
        order = self.orders.order(order_id, member_id)
        order.require_after_sales()
        self.teams.require_after_sales(order)
        skus = {line.sku_id for line in order.lines}
        wanted: dict[str, int] = {}
        for i, (sku_id, quantity) in enumerate(lines):
            if sku_id not in skus:
                raise InvalidInput(f"lines[{i}].sku_id", "the order has no such line")
            wanted[sku_id] = wanted.get(sku_id, 0) + quantity
        ledger = self.ledger(order.id) or RefundLedger(order_id=order.id)
        now = self.store.clock.now()
        after_sale = claim(ledger, order, member_id, kind, reason, wanted, now)
        self.store.save(ledger, after_sale)
        return after_sale.id

    @retry_on_conflict
    def approve(self, after_sale_id: UUID) -> None:
        after_sale = self.after_sale(after_sale_id)
        after_sale.approve(at=self.store.clock.now())
        self.store.save(after_sale)

    @retry_on_conflict
    def reject(self, after_sale_id: UUID, *, reason: str) -> None:
        """The request ends unrefunded and its units may be asked again; on an
        order stranded by its member's closing (it can no longer ship, and
        nobody is left to ask), the shop refunds them at once instead."""
        after_sale = self.after_sale(after_sale_id)
        now = self.store.clock.now()
        after_sale.reject(reason=reason, at=now)
        ledger = self.store.load(RefundLedger, ledger_id_for(after_sale.order_id), "refund ledger")
        ledger.release(after_sale.id, at=now)
        changed: list[Aggregate] = [after_sale, ledger]
        order = self.orders.order(after_sale.order_id)
        if awaits_shipping(order) and self._member_closed(order):
            refunded = refund_stranded(order, ledger, self.teams, now)
            changed += [one for one in refunded if one is not ledger]
        self.store.save(*changed)

    def _member_closed(self, order: Order) -> bool:
        member = self.store.find(Member, order.member_id)
        return member is not None and member.closed

    @retry_on_conflict
    def submit_return(
        self, after_sale_id: UUID, *, member_id: UUID, carrier: str, tracking_no: str
    ) -> None:
        after_sale = self.after_sale(after_sale_id, member_id)
        after_sale.submit_return(carrier, tracking_no, at=self.store.clock.now())
        self.store.save(after_sale)

    @retry_on_conflict
    def confirm_received(self, after_sale_id: UUID) -> None:
        """The returned goods are back: on sale again, and the refund goes out."""
        after_sale = self.after_sale(after_sale_id)
        after_sale.confirm_received(at=self.store.clock.now())
        order = self.orders.order(after_sale.order_id)
        self.store.save(after_sale, *self._units_back(order, after_sale.units))

    def _units_back(self, order: Order, units: dict[str, int]) -> list[Aggregate]:
        """The units on sale again (a campaign order's to its campaign shard,
        or to regular stock once the shard closed)."""
        if order.campaign is not None:
            return self.campaign_orders.stock_part_back(order, units)
        stocks: list[Aggregate] = []
        for sku_id, quantity in units.items():
            if quantity:
                stock = self.store.load(Stock, stock_id_for(sku_id), "SKU")
                stock.release(order.id, quantity)
                stocks.append(stock)
        return stocks

    def owns_refund(self, out_refund_no: str) -> bool:
        """Whether the number is an after-sales request's (else a whole order's)."""
        return after_sale_id_from_refund_no(out_refund_no) is not None

    def _in_flight(self, out_trade_no: str, out_refund_no: str) -> AfterSale:
        after_sale_id = after_sale_id_from_refund_no(out_refund_no)
        if after_sale_id is None:
            raise NotFound("after-sales request")
        after_sale = self.after_sale(after_sale_id)
        if after_sale.order_id.hex != out_trade_no:
            raise NotFound("after-sales request")
        return after_sale

    @retry_on_conflict
    def record_refund(
        self,
        *,
        out_trade_no: str,
        out_refund_no: str,
        refund_id: str,
        amount_fen: int,
        refunded_at: datetime,
    ) -> bool:
        """Settles the request whose refund WeChat Pay reports; False when it
        was already recorded."""
        after_sale = self._in_flight(out_trade_no, out_refund_no)
        order = self.orders.order(after_sale.order_id)
        restock = after_sale.kind == AfterSaleKind.REFUND_ONLY and order.returns_stock_on_refund
        if not after_sale.record_refund(out_refund_no, refund_id, amount_fen, refunded_at):
            return False
        ledger = self.store.load(RefundLedger, ledger_id_for(order.id), "refund ledger")
        ledger.settle(after_sale.id, amount_fen, refunded_at)
        whole = ledger.everything_refunded(order.lines)
        refunded_before = order.refunded_goods_fen
        order.record_after_sale_refund(
            after_sale.id,
            units=after_sale.units,
            goods_fen=after_sale.goods_fen,
            amount_fen=amount_fen,
            whole=whole,
            at=refunded_at,
        )
        changed: list[Aggregate] = [after_sale, ledger, order]
        if restock:
            changed += self._units_back(order, after_sale.units)
        changed += self.campaign_orders.limit_part_back(order, after_sale.units)
        if whole:
            changed += self.benefits.returned(order, refunded=True)
        else:
            changed += self.benefits.part_refunded(
                order, after_sale.id, refunded_fen=refunded_before, part_fen=after_sale.goods_fen
            )
        self.store.save(*changed)
        return True

    @retry_on_conflict
    def record_refund_failure(self, *, out_trade_no: str, out_refund_no: str, outcome: str) -> bool:
        after_sale = self._in_flight(out_trade_no, out_refund_no)
        if not after_sale.record_refund_failure(out_refund_no, outcome, self.store.clock.now()):
            return False
        self.store.save(after_sale)
        return True
