"""Bargain (砍价) use cases: start a bargain on a bargain campaign's SKU, friends
help cut its price, the starter buys one unit at the current price.

The purchase is an ordinary campaign order (the campaign's stock shard, the
member's entry, coupon and points) saved in one atomic write with the bargain's
Bought event; that order cancelled unpaid (by the member or the payment
timeout) records BuyCancelled in the cancellation's save (`BargainReactions`),
so they can buy again.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate

from ..domain.bargain import Bargain
from ..domain.campaign import Campaign, CampaignKind
from ..domain.order import Order
from .accounts import Accounts
from .campaign_orders import CampaignOrders, OrderTerms
from .catalogue_lines import line_for
from .errors import InvalidInput, NotFound
from .store import EventStore, retry_on_conflict


class BargainUseCases:
    """Start, help and buy bargains. A help records the helper by member id
    only (the page shows their face as their sealed profile says,
    api/member_faces.py)."""

    def __init__(
        self,
        store: EventStore,
        accounts: Accounts,
        campaign_orders: CampaignOrders,
    ) -> None:
        self.store = store
        self.accounts = accounts
        self.campaign_orders = campaign_orders

    def bargain(self, bargain_id: UUID, member_id: UUID | None = None) -> Bargain:
        """The bargain; with member_id, only if that member started it (else 404)."""
        bargain = self.store.load(Bargain, bargain_id, "bargain")
        if member_id is not None and bargain.member_id != member_id:
            raise NotFound("bargain")
        return bargain

    @retry_on_conflict
    def start_bargain(
        self, code: str, *, member_id: UUID, sku_id: str | None = None
    ) -> tuple[Bargain, bool]:
        """The member's bargain in that campaign (one per member: asking again
        returns it) and whether it was started now. A bargain campaign has one
        SKU; sku_id, when given, must be it."""
        campaign = self.campaign_orders.open_campaign(code, CampaignKind.BARGAIN)
        sku_id = sku_id or campaign.items[0].sku_id
        item = campaign.item(sku_id)
        if item is None:
            raise InvalidInput("sku_id", f"{sku_id!r} is not part of campaign {code}")
        existing = self.store.find(Bargain, Bargain.create_id(campaign.id, member_id))
        if existing is not None:
            return existing, False
        self.accounts.active_member(member_id)
        _, line = line_for(self.store, sku_id, 1, field="sku_id")
        now = self.store.clock.now()
        bargain = Bargain(
            campaign_id=campaign.id,
            member_id=member_id,
            sku_id=sku_id,
            original_fen=line.unit_price_fen,
            floor_fen=item.price_fen,
            helps_needed=campaign.rules.helps_needed,
            started_at=now,
            expires_at=min(now + timedelta(hours=campaign.rules.bargain_hours), campaign.ends_at),
        )
        self.store.save(bargain)
        return bargain, True

    @retry_on_conflict
    def help_bargain(self, bargain_id: UUID, *, helper_id: UUID) -> int:
        """A friend's help; returns the cut in fen."""
        bargain = self.bargain(bargain_id)
        now = self.store.clock.now()
        bargain.require_helpable(helper_id, now)
        self.campaign_of(bargain).require_open(now)
        self.accounts.active_member(helper_id)
        cut = bargain.help(helper_id, now)
        self.store.save(bargain)
        return cut

    @retry_on_conflict
    def buy_bargain(
        self,
        bargain_id: UUID,
        *,
        member_id: UUID,
        terms: OrderTerms,
    ) -> UUID:
        """The starter's order for one unit at the bargain's current price."""
        bargain = self.bargain(bargain_id, member_id)
        now = self.store.clock.now()
        bargain.require_buyable(now)
        campaign = self.campaign_of(bargain)
        campaign.require_open(now)
        order, changed = self.campaign_orders.campaign_order(
            campaign,
            member_id=member_id,
            sku_id=bargain.sku_id,
            quantity=1,
            unit_price_fen=bargain.current_price_fen,
            terms=terms,
            bargain_id=str(bargain.id),
        )
        bargain.buy(order.id, now)
        self.store.save(order, *changed, bargain)
        return order.id

    def campaign_of(self, bargain: Bargain) -> Campaign:
        return self.store.load(Campaign, bargain.campaign_id, "campaign")


class BargainReactions:
    """What an order's lifecycle does to the bargain it bought."""

    def __init__(self, store: EventStore) -> None:
        self.store = store

    def on_cancel(self, order: Order) -> list[Aggregate]:
        """A bargain's order cancelled unpaid: the starter may buy again
        ([] for any other order)."""
        ref = order.campaign
        if ref is None or ref.kind != CampaignKind.BARGAIN or not ref.bargain_id:
            return []
        bargain = self.store.find(Bargain, UUID(ref.bargain_id))
        if bargain is None or not bargain.cancel_buy(order.id, self.store.clock.now()):
            return []
        return [bargain]
