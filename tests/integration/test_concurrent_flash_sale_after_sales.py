"""Partial refunds of a flash-sale order racing, on real threads and on both
runtimes, with other buyers taking from the same shard, and with the
campaign's end closing it: no unit is sold twice, given back twice or lost —
every unit ends held by a live order, left in the shard, or in the SKU's
regular stock, and the shard never went below zero."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from chalicelib.bootstrap import Container
from chalicelib.domain.after_sale import AfterSale, AfterSaleKind
from chalicelib.domain.campaign_stock import CampaignStock
from chalicelib.domain.catalogue import Stock
from chalicelib.domain.errors import CampaignNotOpen, OutOfStock
from chalicelib.domain.ids import stock_id_for
from chalicelib.domain.values import CampaignItem, CampaignRules, Delivery, SkuSpec
from tests.support.races import race, split
from tests.support.runtimes import Running

from .test_concurrent_flash_sale import paid_flash_order

PICKUP = Delivery(method="pickup", store_id="s1")
REGULAR, CAMPAIGN, ALICE_UNITS, BUYERS = 80, 10, 4, 12


def member(c: Container, name: str) -> UUID:
    return c.shop.logins.log_in(openid=f"o-{name}", unionid=None, scene=None, query={})[0]


def one_shard_sale_with_refunds_in_flight(c: Container) -> tuple[UUID, list[AfterSale]]:
    """A live flash sale of one shard; alice's paid order of 4 units has 4
    one-unit refund_only requests approved, their refunds not recorded yet."""
    now = c.now()
    c.shop.catalogue.list_product(
        slug="tea",
        title="Tea",
        category="tea",
        description="",
        image_url="",
        skus=[(SkuSpec("TEA", "50g", 6800), REGULAR)],
    )
    c.shop.campaigns.define_campaign(
        code="double11",
        kind="flash_sale",
        title="Double 11",
        items=[CampaignItem("TEA", 990, CAMPAIGN)],
        starts_at=now,
        ends_at=now + timedelta(hours=1),
        per_member_limit=ALICE_UNITS,
        rules=CampaignRules(),
        shards=1,
    )
    c.shop.campaigns.start_campaign("double11")
    alice = member(c, "alice")
    order_id = paid_flash_order(c, alice, ALICE_UNITS, 0)
    requests = []
    for i in range(ALICE_UNITS):
        after_sale_id = c.shop.after_sales.request(
            order_id,
            member_id=alice,
            kind=AfterSaleKind.REFUND_ONLY,
            reason=f"unit {i}",
            lines=[("TEA", 1)],
        )
        c.shop.after_sales.approve(after_sale_id)
        requests.append(c.shop.after_sales.after_sale(after_sale_id))
    return order_id, requests


def record(c: Container, order_id: UUID, after_sale: AfterSale) -> bool:
    assert after_sale.out_refund_no is not None
    return c.shop.after_sales.record_refund(
        out_trade_no=order_id.hex,
        out_refund_no=after_sale.out_refund_no,
        refund_id=f"RF-{after_sale.id.hex}",
        amount_fen=after_sale.amount_fen,
        refunded_at=c.now(),
    )


def the_shard(c: Container) -> CampaignStock:
    campaign = c.shop.campaign_orders.campaign("double11")
    [shard] = c.shop.campaign_orders.shards_of(campaign, "TEA")
    return shard


def never_below_zero(c: Container, shard: CampaignStock) -> None:
    available = 0
    for event in c.shop.store.events.get(shard.id):
        if isinstance(event, CampaignStock.Allocated):
            available = event.quantity
        elif isinstance(event, CampaignStock.Taken):
            available -= event.quantity
        elif isinstance(event, CampaignStock.PartGivenBack) and not event.to_regular:
            available += event.quantity
        assert available >= 0


def regular(c: Container) -> int:
    return c.shop.store.load(Stock, stock_id_for("TEA"), "SKU").available


def test_refunds_racing_buyers_on_one_shard_never_oversell(running: Running) -> None:
    c = running.container
    order_id, requests = one_shard_sale_with_refunds_in_flight(c)
    buyers = [member(c, f"b{i}") for i in range(BUYERS)]

    def attempt(i: int) -> UUID | bool:
        if i < ALICE_UNITS:
            return record(c, order_id, requests[i])
        return paid_flash_order(c, buyers[i - ALICE_UNITS], 1, i)

    outcomes = race(ALICE_UNITS + BUYERS, attempt)

    assert outcomes[:ALICE_UNITS] == [True] * ALICE_UNITS
    won, lost = split(outcomes[ALICE_UNITS:])
    assert all(isinstance(error, OutOfStock) for error in lost), lost
    # 6 units were left and 4 came back: at least 6 buyers, at most 10
    assert CAMPAIGN - ALICE_UNITS <= len(won) <= CAMPAIGN
    shard = the_shard(c)
    assert shard.holds(order_id) == 0
    assert (shard.sold, shard.available) == (len(won), CAMPAIGN - len(won))
    never_below_zero(c, shard)
    assert c.shop.orders.order(order_id).status == "refunded"
    assert c.shop.campaigns.campaign_stock("double11")["TEA"]["taken"] == len(won)
    assert regular(c) == REGULAR - CAMPAIGN


def test_refunds_racing_the_campaigns_end_give_each_unit_back_once(running: Running) -> None:
    c = running.container
    order_id, requests = one_shard_sale_with_refunds_in_flight(c)
    buyers = [member(c, f"b{i}") for i in range(2)]

    def attempt(i: int) -> object:
        if i < ALICE_UNITS:
            return record(c, order_id, requests[i])
        if i == ALICE_UNITS:
            return c.shop.campaigns.end_campaign("double11")
        return paid_flash_order(c, buyers[i - ALICE_UNITS - 1], 1, i)

    outcomes = race(ALICE_UNITS + 1 + len(buyers), attempt)

    assert outcomes[:ALICE_UNITS] == [True] * ALICE_UNITS
    assert not isinstance(outcomes[ALICE_UNITS], Exception), outcomes[ALICE_UNITS]
    won, lost = split(outcomes[ALICE_UNITS + 1 :])
    assert all(isinstance(error, CampaignNotOpen | OutOfStock) for error in lost), lost
    shard = the_shard(c)
    assert shard.closed and shard.available == 0
    assert shard.holds(order_id) == 0 and shard.sold == len(won)
    never_below_zero(c, shard)
    # before the end to the shard (then to regular stock with the unsold), after it
    # straight to regular stock: either way every unit not held by a buyer is back
    assert regular(c) == REGULAR - len(won)
