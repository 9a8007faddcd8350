"""What every campaign order shares: the campaign price, its sharded stock and
the per-member limit.

A campaign kind (group-buy, bargain) joins an order's lifecycle through its own
reactions (`TeamReactions`, `BargainReactions`), which the order's use cases
call by name for each trigger and save in the same atomic save as the order.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate

from ..domain.campaign import Campaign, CampaignKind
from ..domain.campaign_stock import CampaignEntry, CampaignStock
from ..domain.catalogue import Stock
from ..domain.errors import OutOfStock
from ..domain.ids import campaign_id_for, stock_id_for
from ..domain.order import Order
from ..domain.values import Address, CampaignRef, Delivery
from .accounts import Accounts
from .catalogue_lines import line_for
from .checkout import Checkout, CheckoutUseCases
from .errors import InvalidInput, NotFound
from .store import EventStore


@dataclass(frozen=True)
class OrderTerms:
    """How the member wants a campaign order: delivery (and the address to
    seal), note, coupon, points, and the quote it was priced by."""

    delivery: Delivery
    address: Address | None = None
    note: str = ""
    coupon_id: str | None = None
    points: int = 0
    quote_id: str | None = None


class CampaignOrders:
    """Campaigns as members meet them, and the orders placed in them."""

    def __init__(self, store: EventStore, accounts: Accounts, checkout: CheckoutUseCases) -> None:
        self.store = store
        self.accounts = accounts
        self.checkout = checkout

    def campaign(self, code: str) -> Campaign:
        return self.store.load(Campaign, campaign_id_for(code), "campaign")

    def open_campaign(self, code: str, kind: CampaignKind) -> Campaign:
        """The campaign of that kind, if members can take part right now."""
        campaign = self.campaign(code)
        if campaign.kind != kind:
            raise NotFound("campaign")
        campaign.require_open(self.store.clock.now())
        return campaign

    def campaign_check_out(
        self,
        campaign: Campaign,
        *,
        member_id: UUID,
        sku_id: str,
        quantity: int,
        unit_price_fen: int,
        pickup: bool,
        coupon_id: str | None = None,
        points: int = 0,
    ) -> Checkout:
        """One line at the campaign's price: no member-level discount on top,
        a coupon and points still apply."""
        if campaign.item(sku_id) is None:
            raise InvalidInput("sku_id", f"{sku_id!r} is not part of campaign {campaign.code}")
        member = self.accounts.active_member(member_id)
        _, line = line_for(self.store, sku_id, quantity, field="sku_id")
        line = replace(line, unit_price_fen=unit_price_fen)
        level = replace(self.accounts.level_of(member), discount_percent=100)
        return self.checkout.priced(member, [line], [], level, pickup, coupon_id, points)

    def campaign_order(
        self,
        campaign: Campaign,
        *,
        member_id: UUID,
        sku_id: str,
        quantity: int,
        unit_price_fen: int,
        terms: OrderTerms,
        team_id: str = "",
        bargain_id: str = "",
    ) -> tuple[Order, list[Aggregate]]:
        """A campaign order and every other aggregate to save with it: a stock
        shard, the member's entry, the coupon wallet and the points account.

        The shards are looked at first: a buyer who finds the campaign sold
        out learns it before the order is priced, which is most of a flash
        sale's buyers once its stock is gone. The shard found is loaded again
        just before taking from it, so that concurrent buyers conflict only
        when they take from it at the same moment, not while they are priced."""
        found = self._shard_with(campaign, sku_id, quantity)
        checkout = self.campaign_check_out(
            campaign,
            member_id=member_id,
            sku_id=sku_id,
            quantity=quantity,
            unit_price_fen=unit_price_fen,
            pickup=terms.delivery.is_pickup,
            coupon_id=terms.coupon_id,
            points=terms.points,
        )
        self.checkout.require_quote(checkout, terms.quote_id)
        entry_id = CampaignEntry.create_id(campaign.id, member_id)
        entry = self.store.find(CampaignEntry, entry_id)
        entry = entry or CampaignEntry(campaign_id=campaign.id, member_id=member_id)
        shard = self._shard_with(campaign, sku_id, quantity, first=found.shard)
        ref = CampaignRef(
            kind=str(campaign.kind),
            campaign_id=str(campaign.id),
            sku_id=sku_id,
            shard=shard.shard,
            team_id=team_id,
            bargain_id=bargain_id,
        )
        order, changed = self.checkout.new_order(
            checkout,
            delivery=terms.delivery,
            address=terms.address,
            note=terms.note,
            pay_within=timedelta(minutes=campaign.rules.pay_minutes),
            campaign=ref,
        )
        entry.take(order.id, quantity, campaign.per_member_limit)
        shard.take(order.id, quantity)
        return order, [shard, entry, *changed]

    def shards_of(self, campaign: Campaign, sku_id: str) -> list[CampaignStock]:
        return [
            self.store.load(CampaignStock, CampaignStock.create_id(campaign.id, sku_id, n), "stock")
            for n in range(campaign.shards)
        ]

    def _shard_with(
        self, campaign: Campaign, sku_id: str, quantity: int, first: int | None = None
    ) -> CampaignStock:
        """A shard holding `quantity` units, starting the search at `first`, by
        default at a random shard so concurrent buyers spread over all of them."""
        if first is None:
            first = random.randrange(campaign.shards)
        left = 0
        for step in range(campaign.shards):
            number = (first + step) % campaign.shards
            shard_id = CampaignStock.create_id(campaign.id, sku_id, number)
            shard = self.store.load(CampaignStock, shard_id, "campaign stock")
            if shard.available >= quantity:
                return shard
            left += shard.available
        raise OutOfStock(
            "sold out" if not left else f"only {left} left, in smaller lots; order fewer",
            sku_id=sku_id,
            available=left,
        )

    def campaign_units_back(self, order: Order, *, restock: bool) -> list[Aggregate]:
        """A cancelled or refunded campaign order: the member's limit frees up
        and, when the goods never left, the units go back to the campaign's
        shard — or to the SKU's regular stock once the campaign has ended."""
        ref = order.campaign
        if ref is None:
            return []
        campaign_id = UUID(ref.campaign_id)
        changed: list[Aggregate] = []
        entry_id = CampaignEntry.create_id(campaign_id, order.member_id)
        entry = self.store.find(CampaignEntry, entry_id)
        if entry is not None and entry.give_back(order.id):
            changed.append(entry)
        if restock:
            shard_id = CampaignStock.create_id(campaign_id, ref.sku_id, ref.shard)
            shard = self.store.load(CampaignStock, shard_id, "campaign stock")
            changed.append(shard)
            changed += self._to_stock(order, shard, shard.give_back(order.id))
        return changed

    def limit_part_back(self, order: Order, units: dict[str, int]) -> list[Aggregate]:
        """A campaign order's after-sales refund: the member's limit frees up
        by the refunded units."""
        ref = order.campaign
        quantity = units.get(ref.sku_id, 0) if ref is not None else 0
        if ref is None or not quantity:
            return []
        entry_id = CampaignEntry.create_id(UUID(ref.campaign_id), order.member_id)
        entry = self.store.find(CampaignEntry, entry_id)
        if entry is None or not entry.give_back_part(order.id, quantity):
            return []
        return [entry]

    def stock_part_back(self, order: Order, units: dict[str, int]) -> list[Aggregate]:
        """Units of a campaign order back on sale (refunded before they left,
        or returned): to the shard the order took them from while it is open,
        else to the SKU's regular stock. Never more than the order still holds."""
        ref = order.campaign
        quantity = units.get(ref.sku_id, 0) if ref is not None else 0
        if ref is None or not quantity:
            return []
        shard_id = CampaignStock.create_id(UUID(ref.campaign_id), ref.sku_id, ref.shard)
        shard = self.store.load(CampaignStock, shard_id, "campaign stock")
        return [shard, *self._to_stock(order, shard, shard.give_back_part(order.id, quantity))]

    def _to_stock(self, order: Order, shard: CampaignStock, to_regular: int) -> list[Aggregate]:
        """The units a closed shard hands to the SKU's regular stock."""
        if not to_regular:
            return []
        stock = self.store.load(Stock, stock_id_for(shard.sku_id), "SKU")
        stock.release(order.id, to_regular)
        return [stock]
