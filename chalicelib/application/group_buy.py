"""Group-buy (拼团) use cases: open a team, join it, expire it. How a group-buy
order's payment, cancellation and refund move its team is `TeamReactions`
(teams.py).

A leader's order opens the team when it is paid; a joiner's order holds a seat
in the same atomic save as the order. Every refund the team causes (a payment
that finds no seat, a team expiring unfilled) is approved in the same save as
the team, so its refund intent (keyed by out_refund_no) is sent exactly once.
"""

from __future__ import annotations

from uuid import UUID

from ..domain.campaign import Campaign, CampaignKind
from ..domain.order import Order
from ..domain.team import Team, TeamStatus
from .campaign_orders import CampaignOrders, OrderTerms
from .errors import InvalidInput
from .store import EventStore, retry_on_conflict
from .teams import refund_automatically

EXPIRED_UNFILLED = "group-buy team expired unfilled"


class GroupBuyUseCases:
    """Open, join and expire group-buy teams."""

    def __init__(self, store: EventStore, campaign_orders: CampaignOrders) -> None:
        self.store = store
        self.campaign_orders = campaign_orders

    def team(self, team_id: UUID) -> Team:
        return self.store.load(Team, team_id, "team")

    @retry_on_conflict
    def open_team(
        self,
        code: str,
        *,
        member_id: UUID,
        sku_id: str,
        quantity: int,
        terms: OrderTerms,
    ) -> UUID:
        """The leader's order at the group price; its team (`Team.create_id` of
        the order id) opens once it is paid."""
        campaign = self.campaign_orders.open_campaign(code, CampaignKind.GROUP_BUY)
        order, changed = self.campaign_orders.campaign_order(
            campaign,
            member_id=member_id,
            sku_id=sku_id,
            quantity=quantity,
            unit_price_fen=self._group_price(campaign, sku_id),
            terms=terms,
        )
        self.store.save(order, *changed)
        return order.id

    @retry_on_conflict
    def join_team(
        self,
        team_id: UUID,
        *,
        member_id: UUID,
        quantity: int,
        terms: OrderTerms,
        sku_id: str | None = None,
    ) -> UUID:
        """A joiner's order for the team's SKU, holding a seat until its payment
        deadline (saved with the order, so two joiners never get one seat)."""
        team = self.team(team_id)
        if sku_id is not None and sku_id != team.sku_id:
            raise InvalidInput("sku_id", f"this team buys {team.sku_id!r}")
        now = self.store.clock.now()
        team.require_seat_for(str(member_id), now)
        campaign = self.store.load(Campaign, UUID(team.campaign_id), "campaign")
        campaign.require_open(now)
        order, changed = self.campaign_orders.campaign_order(
            campaign,
            member_id=member_id,
            sku_id=team.sku_id,
            quantity=quantity,
            unit_price_fen=self._group_price(campaign, team.sku_id),
            terms=terms,
            team_id=str(team.id),
        )
        team.hold_seat(str(order.id), str(member_id), until=order.pay_deadline, now=now)
        self.store.save(order, *changed, team)
        return order.id

    @retry_on_conflict
    def expire_team(self, team_id: UUID) -> bool:
        """At its deadline a forming team succeeds virtually or fails; a failed
        team's paid orders are refunded in the same save. False when not due."""
        team = self.team(team_id)
        now = self.store.clock.now()
        if not team.expire(now):
            return False
        refunds: list[Order] = []
        if team.status == TeamStatus.FAILED:
            for order_id in team.paid_order_ids:
                order = self.store.load(Order, UUID(order_id), "order")
                if refund_automatically(order, EXPIRED_UNFILLED, now):
                    refunds.append(order)
        self.store.save(team, *refunds)
        return True

    def _group_price(self, campaign: Campaign, sku_id: str) -> int:
        item = campaign.item(sku_id)
        if item is None:
            raise InvalidInput("sku_id", f"{sku_id!r} is not part of campaign {campaign.code}")
        return item.price_fen
