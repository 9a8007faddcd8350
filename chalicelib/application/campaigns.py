"""The operators' campaign use cases: define, start, pause, resume, end.

Starting sets the campaign's units aside from each SKU's regular stock and
spreads them over the stock shards, in one atomic save; ending (by hand, or by
the job once the window has closed) closes the shards and puts the unsold
units back on regular sale, in one atomic save too.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from ..domain.campaign import Campaign, CampaignKind, definition_problem
from ..domain.campaign_stock import CampaignStock, split_stock
from ..domain.catalogue import Stock
from ..domain.errors import DomainError
from ..domain.ids import stock_id_for
from ..domain.values import CampaignItem, CampaignRules
from .campaign_orders import CampaignOrders
from .catalogue_lines import line_for
from .errors import InvalidInput
from .store import EventStore, retry_on_conflict

MAX_DEFAULT_SHARDS = 8
UNITS_PER_SHARD = 10


class CampaignExists(DomainError):
    code = "campaign_exists"


def default_shards(items: list[CampaignItem]) -> int:
    """Enough shards that buyers rarely meet on one, never more than units."""
    fewest = min(item.stock for item in items)
    return max(1, min(MAX_DEFAULT_SHARDS, fewest // UNITS_PER_SHARD))


class CampaignAdminUseCases:
    """The operators' campaign use cases."""

    def __init__(self, store: EventStore, campaign_orders: CampaignOrders) -> None:
        self.store = store
        self.campaign_orders = campaign_orders

    def define_campaign(
        self,
        *,
        code: str,
        kind: str,
        title: str,
        items: list[CampaignItem],
        starts_at: datetime,
        ends_at: datetime,
        per_member_limit: int,
        rules: CampaignRules,
        shards: int | None = None,
    ) -> Campaign:
        shards = shards or default_shards(items)
        problem = definition_problem(kind, items, rules, starts_at, ends_at, shards)
        if problem is not None:
            raise InvalidInput(*problem)
        for index, item in enumerate(items):
            _, line = line_for(self.store, item.sku_id, 1, field=f"items[{index}].sku_id")
            if kind == CampaignKind.BARGAIN and item.price_fen + rules.helps_needed > (
                line.unit_price_fen
            ):
                raise InvalidInput(
                    f"items[{index}].price_fen",
                    "the floor must leave at least 1 fen per help below the SKU's price",
                )
        campaign = Campaign(
            code=code,
            kind=kind,
            title=title,
            items=items,
            starts_at=starts_at,
            ends_at=ends_at,
            per_member_limit=per_member_limit,
            rules=rules,
            shards=shards,
        )
        try:
            self.store.save(campaign)
        except IntegrityError:
            raise CampaignExists(f"campaign {code} already exists", code=code) from None
        return campaign

    @retry_on_conflict
    def start_campaign(self, code: str) -> Campaign:
        """Goes live; the first start sets the stock aside (409 out_of_stock
        when a SKU has too few units)."""
        campaign = self.campaign_orders.campaign(code)
        campaign.start(self.store.clock.now())
        changed: list[Aggregate] = []
        for item in campaign.items:
            stock = self.store.load(Stock, stock_id_for(item.sku_id), "SKU")
            stock.allocate(campaign.id, item.stock)
            changed.append(stock)
            for number, quantity in enumerate(split_stock(item.stock, campaign.shards)):
                changed.append(
                    CampaignStock(
                        campaign_id=campaign.id, sku_id=item.sku_id, shard=number, quantity=quantity
                    )
                )
        self.store.save(campaign, *changed)
        return campaign

    @retry_on_conflict
    def pause_campaign(self, code: str) -> Campaign:
        campaign = self.campaign_orders.campaign(code)
        campaign.pause(self.store.clock.now())
        self.store.save(campaign)
        return campaign

    @retry_on_conflict
    def resume_campaign(self, code: str) -> Campaign:
        campaign = self.campaign_orders.campaign(code)
        campaign.resume(self.store.clock.now())
        self.store.save(campaign)
        return campaign

    @retry_on_conflict
    def end_campaign(self, code: str, reason: str = "ended by the shop") -> Campaign:
        campaign = self.campaign_orders.campaign(code)
        self._end(campaign, reason)
        return campaign

    @retry_on_conflict
    def end_due_campaign(self, campaign_id: UUID) -> bool:
        """The job: ends a campaign whose window has closed."""
        campaign = self.store.load(Campaign, campaign_id, "campaign")
        if not campaign.is_due_to_end(self.store.clock.now()):
            return False
        self._end(campaign, "the campaign window closed")
        return True

    def _end(self, campaign: Campaign, reason: str) -> None:
        had_stock = campaign.has_stock
        now = self.store.clock.now()
        campaign.end(now, reason)
        changed: list[Aggregate] = []
        if had_stock:
            for item in campaign.items:
                shards = self.campaign_orders.shards_of(campaign, item.sku_id)
                unsold = sum(shard.close(now) for shard in shards)
                stock = self.store.load(Stock, stock_id_for(item.sku_id), "SKU")
                stock.deallocate(campaign.id, unsold)
                changed += [*shards, stock]
        self.store.save(campaign, *changed)

    def campaign_stock(self, code: str) -> dict[str, dict[str, int]]:
        """Per SKU, read from every shard: units set aside, left, and held by
        live orders — exact, not a read model."""
        campaign = self.campaign_orders.campaign(code)
        counts: dict[str, dict[str, int]] = {}
        for item in campaign.items:
            shards = (
                self.campaign_orders.shards_of(campaign, item.sku_id)
                if campaign.status != "draft"
                else []
            )
            counts[item.sku_id] = {
                "stock": item.stock,
                "left": sum(shard.available for shard in shards),
                "taken": sum(shard.sold for shard in shards),
            }
        return counts
