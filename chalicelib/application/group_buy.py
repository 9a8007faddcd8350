"""Group-buy (拼团) use cases: open a team, join it, expire it, and the hooks
through which a group-buy order's payment, cancellation and refund move its team.

A leader's order opens the team when it is paid; a joiner's order holds a seat
in the same atomic save as the order. Every refund the team causes (a payment
that finds no seat, a team expiring unfilled) is approved in the same save as
the team, so its refund intent (keyed by out_refund_no) is sent exactly once.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate

from ..domain.campaign import Campaign, CampaignKind
from ..domain.member import Member
from ..domain.order import REFUNDABLE, Order, RefundStatus
from ..domain.team import Team, TeamNotFormed, TeamStatus, mask_nickname
from .campaign_orders import CampaignOrderUseCases, OrderTerms
from .errors import InvalidInput
from .shop import retry_on_conflict

EXPIRED_UNFILLED = "group-buy team expired unfilled"
NO_SEAT = "team full or closed"
CAMPAIGN_CLOSED = "group-buy campaign no longer open"


def team_id_of(order: Order) -> UUID | None:
    """The team a group-buy order belongs to (a leader's: the one it opens)."""
    ref = order.campaign
    if ref is None or ref.kind != CampaignKind.GROUP_BUY:
        return None
    return UUID(ref.team_id) if ref.team_id else Team.create_id(str(order.id))


class GroupBuyUseCases(CampaignOrderUseCases):
    def team(self, team_id: UUID) -> Team:
        return self.load(Team, team_id, "team")

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
        campaign = self.open_campaign(code, CampaignKind.GROUP_BUY)
        order, changed = self.campaign_order(
            campaign,
            member_id=member_id,
            sku_id=sku_id,
            quantity=quantity,
            unit_price_fen=self._group_price(campaign, sku_id),
            terms=terms,
        )
        self.save(order, *changed)
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
        now = self.clock.now()
        team.require_seat_for(str(member_id), now)
        campaign = self.load(Campaign, UUID(team.campaign_id), "campaign")
        campaign.require_open(now)
        order, changed = self.campaign_order(
            campaign,
            member_id=member_id,
            sku_id=team.sku_id,
            quantity=quantity,
            unit_price_fen=self._group_price(campaign, team.sku_id),
            terms=terms,
            team_id=str(team.id),
        )
        team.hold_seat(str(order.id), str(member_id), until=order.pay_deadline, now=now)
        self.save(order, *changed, team)
        return order.id

    @retry_on_conflict
    def expire_team(self, team_id: UUID) -> bool:
        """At its deadline a forming team succeeds virtually or fails; a failed
        team's paid orders are refunded in the same save. False when not due."""
        team = self.team(team_id)
        now = self.clock.now()
        if not team.expire(now):
            return False
        refunds: list[Order] = []
        if team.status == TeamStatus.FAILED:
            for order_id in team.paid_order_ids:
                order = self.load(Order, UUID(order_id), "order")
                if self._refund_automatically(order, EXPIRED_UNFILLED):
                    refunds.append(order)
        self.save(team, *refunds)
        return True

    def _group_price(self, campaign: Campaign, sku_id: str) -> int:
        item = campaign.item(sku_id)
        if item is None:
            raise InvalidInput("sku_id", f"{sku_id!r} is not part of campaign {campaign.code}")
        return item.price_fen

    def _refund_automatically(self, order: Order, reason: str) -> bool:
        """Approves the order's refund unless one is already in flight or done;
        a refund the member asked for is approved as it is."""
        now = self.clock.now()
        if order.status not in REFUNDABLE:
            return False
        if order.refund_status == RefundStatus.REQUESTED:
            order.approve_refund(at=now)
            return True
        if order.refund_status in (RefundStatus.NONE, RefundStatus.REJECTED):
            order.refund_by_shop(reason=reason, at=now)
            return True
        return False

    # -- hooks -----------------------------------------------------------------
    def campaign_on_payment(self, order: Order) -> list[Aggregate]:
        team_id = team_id_of(order)
        if team_id is None or order.campaign is None:
            return super().campaign_on_payment(order)
        now = self.clock.now()
        member = self.load(Member, order.member_id, "member")
        if not order.campaign.team_id:
            campaign = self.load(Campaign, UUID(order.campaign.campaign_id), "campaign")
            if not campaign.is_open(now):
                self._refund_automatically(order, CAMPAIGN_CLOSED)
                return []
            deadline = min(now + timedelta(hours=campaign.rules.team_hours), campaign.ends_at)
            team = Team(
                campaign_id=order.campaign.campaign_id,
                product_id=order.lines[0].product_id,
                sku_id=order.campaign.sku_id,
                size=campaign.rules.team_size,
                virtual_success_percent=campaign.rules.virtual_success_percent,
                leader_order_id=str(order.id),
                leader_member_id=str(order.member_id),
                leader_nickname=mask_nickname(member.nickname),
                leader_avatar_url=member.avatar_url,
                opened_at=now,
                deadline=deadline,
            )
            return [team]
        team = self.team(team_id)
        if not team.admit(str(order.id), member.nickname, member.avatar_url, now):
            self._refund_automatically(order, NO_SEAT)
        return [team]

    def campaign_on_cancel(self, order: Order) -> list[Aggregate]:
        team_id = team_id_of(order)
        if team_id is None:
            return super().campaign_on_cancel(order)
        team = self.find(Team, team_id)
        if team is None or not team.release_seat(str(order.id), self.clock.now()):
            return []
        return [team]

    def campaign_on_refund_approved(self, order: Order) -> list[Aggregate]:
        team_id = team_id_of(order)
        if team_id is None:
            return super().campaign_on_refund_approved(order)
        team = self.find(Team, team_id)
        if team is None or not team.leave(str(order.id), self.clock.now()):
            return []
        return [team]

    def require_fulfillable(self, order: Order) -> None:
        team_id = team_id_of(order)
        if team_id is None:
            super().require_fulfillable(order)
            return
        team = self.find(Team, team_id)
        if team is None or team.status != TeamStatus.SUCCEEDED:
            raise TeamNotFormed(
                "this group-buy order ships once its team is complete",
                team_id=str(team_id),
                team_status=team.status if team else "not_opened",
            )
