"""200 members racing for a flash sale of 50 units, on real threads, on both
runtimes: exactly 50 orders are placed and paid, every shard ends at zero and
none ever went below it, and everyone else is told it is sold out."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from chalicelib.application.campaign_orders import OrderTerms
from chalicelib.bootstrap import Container
from chalicelib.domain.campaign_stock import CampaignStock
from chalicelib.domain.errors import OutOfStock
from chalicelib.domain.values import CampaignItem, CampaignRules, Delivery, SkuSpec
from tests.support.races import race, split
from tests.support.runtimes import Running

PICKUP = Delivery(method="pickup", store_id="s1")
MEMBERS, STOCK = 200, 50


def paid_flash_order(c: Container, member_id: UUID, quantity: int, n: int) -> UUID:
    order_id = c.shop.flash_sale.place_flash_order(
        "double11", member_id=member_id, sku_id="TEA", quantity=quantity, terms=OrderTerms(PICKUP)
    )
    order = c.shop.orders.order(order_id)
    c.shop.payments.record_payment(
        out_trade_no=order.out_trade_no,
        transaction_id=f"42000{n:05d}",
        amount_fen=order.price.payable_fen,
        paid_at=c.now(),
    )
    return order_id


def test_200_members_racing_for_50_units_buy_exactly_50(running: Running) -> None:
    c = running.container
    now = c.now()
    c.shop.catalogue.list_product(
        slug="tea",
        title="Tea",
        category="tea",
        description="",
        image_url="",
        skus=[(SkuSpec("TEA", "50g", 6800), 80)],
    )
    c.shop.campaigns.define_campaign(
        code="double11",
        kind="flash_sale",
        title="Double 11",
        items=[CampaignItem("TEA", 990, STOCK)],
        starts_at=now,
        ends_at=now + timedelta(hours=1),
        per_member_limit=1,
        rules=CampaignRules(),
    )
    campaign = c.shop.campaigns.start_campaign("double11")
    members = [
        c.shop.logins.log_in(openid=f"o{i}", unionid=None, scene=None, query={})[0]
        for i in range(MEMBERS)
    ]

    won, lost = split(race(MEMBERS, lambda i: paid_flash_order(c, members[i], 1, i)))

    assert len(won) == STOCK, sorted({f"{type(e).__name__}: {e}" for e in lost})
    assert all(isinstance(error, OutOfStock) for error in lost), {
        f"{type(e).__name__}: {e}" for e in lost if not isinstance(e, OutOfStock)
    }
    assert all(c.shop.orders.order(order_id).status == "paid" for order_id in won)
    assert c.shop.campaigns.campaign_stock("double11")["TEA"] == {
        "stock": STOCK,
        "left": 0,
        "taken": STOCK,
    }
    assert campaign.shards > 1  # the units really were spread
    for shard in c.shop.campaign_orders.shards_of(campaign, "TEA"):
        running_total = shard.allocated
        for event in c.shop.store.events.get(shard.id):
            if isinstance(event, CampaignStock.Taken):
                running_total -= event.quantity
                assert running_total >= 0
        assert shard.available == 0
