"""What an order's lifecycle also changes elsewhere: one named list per trigger.

Read top to bottom, this file answers "what happens on payment, cancellation,
refund, completion?". Every reaction returns the aggregates it changed, and the
use case (orders.py, payments.py) saves them in the same atomic write as the
order: a refund that returns the coupon and the points, and the units to stock,
is all written or none of it.

Reactions that concern only one kind of order (group-buy teams, bargains)
change nothing for the others. A payment for the order of a member who closed
the account meanwhile is refunded at once instead (`ACCOUNT_CLOSED`).
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate

from ..domain.catalogue import Stock
from ..domain.ids import stock_id_for
from ..domain.member import Member
from ..domain.order import Order
from .bargains import BargainReactions
from .benefits import Benefits
from .campaign_orders import CampaignOrders
from .store import EventStore
from .teams import TeamReactions, refund_automatically

ACCOUNT_CLOSED = "account closed before the payment arrived"


class OrderReactions:
    def __init__(
        self,
        store: EventStore,
        benefits: Benefits,
        campaign_orders: CampaignOrders,
        teams: TeamReactions,
        bargains: BargainReactions,
    ) -> None:
        self.store = store
        self.benefits = benefits
        self.campaign_orders = campaign_orders
        self.teams = teams
        self.bargains = bargains

    def on_payment(self, order: Order) -> list[Aggregate]:
        """The order is paid in full."""
        if self.account_closed(order):
            # the member closed the account while the order was unpaid: its
            # address and the member are gone, so the shop refunds it at once
            return self.refund_for_closed_account(order)
        return [
            # a group-buy leader's team opens, a joiner takes their seat; a payment
            # that finds no seat or a closed campaign is refunded at once
            *self.teams.on_payment(order),
            # the locked coupon is used; the amount counts towards the member's level
            *self.benefits.on_payment(order),
        ]

    def account_closed(self, order: Order) -> bool:
        """Read from the member the payment's other reactions save when the
        account is open, so a closure racing the payment conflicts with it: one
        of the two retries and sees the other."""
        member = self.store.find(Member, order.member_id)
        return member is not None and member.closed

    def refund_for_closed_account(self, order: Order) -> list[Aggregate]:
        """The refund approved on the order (saved with the payment, so its
        refund intent goes out once); a group-buy joiner's held seat is freed.
        The closed account's coupon, points and level are not touched."""
        refund_automatically(order, ACCOUNT_CLOSED, self.store.clock.now())
        return [*self.teams.on_cancel(order)]

    def on_cancel(self, order: Order) -> list[Aggregate]:
        """An unpaid order was cancelled, by the member or the payment deadline."""
        return [
            # the units go back on sale (a campaign's to its stock shard)
            *self.stock_back(order),
            # the coupon comes back while valid; redeemed points come back
            *self.benefits.returned(order, refunded=False),
            # a group-buy joiner's held seat is freed
            *self.teams.on_cancel(order),
            # a bargain's starter may buy again
            *self.bargains.on_cancel(order),
        ]

    def on_refund_approved(self, order: Order) -> list[Aggregate]:
        """The shop approved a refund (or refunds on its own): the money is not back yet."""
        return [
            # a group-buy member leaves the team
            *self.teams.on_refund_approved(order),
        ]

    def on_refund(self, order: Order, *, restock: bool) -> list[Aggregate]:
        """WeChat Pay reports the money back. `restock`: the goods never left
        (as the order said before the refund was recorded)."""
        if order.campaign is not None:
            # the member's campaign limit frees up; unsent units go back to the campaign
            stock = self.campaign_orders.campaign_units_back(order, restock=restock)
        else:
            stock = self.stock_back(order) if restock else []
        return [
            *stock,
            # the coupon comes back while valid, redeemed points come back, earned
            # points are clawed back, and the paid spend no longer counts
            *self.benefits.returned(order, refunded=True),
        ]

    def on_completion(self, order: Order) -> list[Aggregate]:
        """The after-sales window closed."""
        return [
            # points are earned; an invitee's first order rewards both sides, once
            *self.benefits.on_completion(order),
        ]

    def before_fulfilment(self, order: Order) -> None:
        """Raises when the order may not ship or be handed over yet (a group-buy
        order whose team has not formed)."""
        self.teams.require_fulfillable(order)

    def stock_back(self, order: Order) -> list[Aggregate]:
        """The order's units back on sale (a campaign's back to the campaign)."""
        if order.campaign is not None:
            return self.campaign_orders.campaign_units_back(order, restock=True)
        stocks: list[Aggregate] = []
        for line in order.lines:
            stock = self.store.load(Stock, stock_id_for(line.sku_id), "SKU")
            stock.release(order.id, line.quantity)
            stocks.append(stock)
        return stocks
