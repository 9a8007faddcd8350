"""What a group-buy order's lifecycle does to its team, and the helpers the
group-buy use cases share with it.

A leader's order opens the team when it is paid; a joiner's paid order takes
the seat it held. Every refund the team causes (a payment that finds no seat, a
campaign closed before the leader paid) is approved on the order, saved in the
same atomic save as the payment, so its refund intent (keyed by out_refund_no)
is sent exactly once. Each reaction leaves orders that are not group-buy orders
alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate

from ..domain.campaign import Campaign, CampaignKind
from ..domain.order import REFUNDABLE, Order, RefundStatus
from ..domain.team import Team, TeamNotFormed, TeamStatus
from .store import EventStore

NO_SEAT = "team full or closed"
CAMPAIGN_CLOSED = "group-buy campaign no longer open"


def team_id_of(order: Order) -> UUID | None:
    """The team a group-buy order belongs to (a leader's: the one it opens)."""
    ref = order.campaign
    if ref is None or ref.kind != CampaignKind.GROUP_BUY:
        return None
    return UUID(ref.team_id) if ref.team_id else Team.create_id(str(order.id))


def refund_automatically(order: Order, reason: str, now: datetime) -> bool:
    """Approves the order's refund unless one is already in flight or done;
    a refund the member asked for is approved as it is.

    It refunds the whole order without looking at its refund ledger, so its
    callers are those whose orders no after-sales request can claim a unit of:
    the orders of a group-buy team that fails (this module and group_buy.py;
    no request claims units of a group-buy order before its team formed,
    TeamReactions.require_after_sales, and a formed team never fails) and a
    payment refunded in the write that records it (order_reactions.py),
    before any request could exist. Closing an account refunds through
    shop_refunds.refund_unclaimed, which calls this only when the ledger has no
    claims, and holds the ledger with it."""
    if order.status not in REFUNDABLE:
        return False
    if order.refund_status == RefundStatus.REQUESTED:
        order.approve_refund(at=now)
        return True
    if order.refund_status in (RefundStatus.NONE, RefundStatus.REJECTED):
        order.refund_by_shop(reason=reason, at=now)
        return True
    return False


class TeamReactions:
    """A group-buy order's payment, cancellation and refund, as they move its
    team. The team records its members by member id only (its pages show their
    faces as their sealed profiles say, api/member_faces.py)."""

    def __init__(self, store: EventStore) -> None:
        self.store = store

    def on_payment(self, order: Order) -> list[Aggregate]:
        """A paid leader's order opens its team (or is refunded when the
        campaign has closed); a paid joiner's order takes its seat (or is
        refunded when there is none). The order itself is the caller's to save."""
        team_id = team_id_of(order)
        if team_id is None or order.campaign is None:
            return []
        now = self.store.clock.now()
        if not order.campaign.team_id:
            campaign = self.store.load(Campaign, UUID(order.campaign.campaign_id), "campaign")
            if not campaign.is_open(now):
                refund_automatically(order, CAMPAIGN_CLOSED, now)
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
                opened_at=now,
                deadline=deadline,
            )
            return [team]
        team = self.store.load(Team, team_id, "team")
        if not team.admit(str(order.id), now):
            refund_automatically(order, NO_SEAT, now)
        return [team]

    def on_cancel(self, order: Order) -> list[Aggregate]:
        """An unpaid group-buy order was cancelled or timed out: its seat frees up."""
        team_id = team_id_of(order)
        if team_id is None:
            return []
        team = self.store.find(Team, team_id)
        if team is None or not team.release_seat(str(order.id), self.store.clock.now()):
            return []
        return [team]

    def on_refund_approved(self, order: Order) -> list[Aggregate]:
        """A paid group-buy order's refund was approved: it leaves its team."""
        team_id = team_id_of(order)
        if team_id is None:
            return []
        team = self.store.find(Team, team_id)
        if team is None or not team.leave(str(order.id), self.store.clock.now()):
            return []
        return [team]

    def require_fulfillable(self, order: Order) -> None:
        """Raises TeamNotFormed while a group-buy order's team is not complete."""
        self._require_formed(order, "this group-buy order ships once its team is complete")

    def require_after_sales(self, order: Order) -> None:
        """Raises TeamNotFormed while a group-buy order's team is not complete:
        a team that fails refunds its orders whole (`refund_automatically`, which
        reads no refund ledger), and a formed team never fails, so no unit a
        request claims can be refunded twice."""
        self._require_formed(
            order,
            "a group-buy order takes after-sales once its team is complete; "
            "a team that fails refunds it whole",
        )

    def _require_formed(self, order: Order, message: str) -> None:
        team_id = team_id_of(order)
        if team_id is None:
            return
        team = self.store.find(Team, team_id)
        if team is None or team.status != TeamStatus.SUCCEEDED:
            raise TeamNotFormed(
                message,
                team_id=str(team_id),
                team_status=team.status if team else "not_opened",
            )
