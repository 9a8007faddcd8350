"""Flash sale (秒杀): an order at the session's price, its units taken from one
of the campaign's stock shards, unpaid units back on sale after the campaign's
short payment deadline (5 minutes by default) through the usual unpaid-order job."""

from __future__ import annotations

from uuid import UUID

from ..domain.campaign import CampaignKind
from .campaign_orders import CampaignOrders, OrderTerms
from .errors import InvalidInput
from .store import EventStore, retry_on_conflict


class FlashSaleUseCases:
    """Flash-sale orders."""

    def __init__(self, store: EventStore, campaign_orders: CampaignOrders) -> None:
        self.store = store
        self.campaign_orders = campaign_orders

    @retry_on_conflict
    def place_flash_order(
        self,
        code: str,
        *,
        member_id: UUID,
        sku_id: str,
        quantity: int,
        terms: OrderTerms,
    ) -> UUID:
        campaign = self.campaign_orders.open_campaign(code, CampaignKind.FLASH_SALE)
        item = campaign.item(sku_id)
        if item is None:
            raise InvalidInput("sku_id", f"{sku_id!r} is not part of campaign {code}")
        order, changed = self.campaign_orders.campaign_order(
            campaign,
            member_id=member_id,
            sku_id=sku_id,
            quantity=quantity,
            unit_price_fen=item.price_fen,
            terms=terms,
        )
        self.store.save(order, *changed)
        return order.id
