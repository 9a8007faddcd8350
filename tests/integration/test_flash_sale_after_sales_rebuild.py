"""A flash-sale order's partial refunds rebuilt: units back to the running
campaign's shard, a return received, then a unit back to regular stock after
the campaign ended. Every view (the campaign's stock left and taken and its
units sold, the order, the after-sales list, the analytics) rebuilt equals the
incrementally built one."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from chalicelib.application.campaign_orders import OrderTerms
from chalicelib.bootstrap import Container
from chalicelib.domain.after_sale import AfterSaleKind
from chalicelib.domain.values import Address, CampaignItem, CampaignRules, Delivery
from chalicelib.projections import campaign_queries as q
from tests.support.runtimes import Running

from .conftest import list_tea
from .test_after_sales_rebuild import refunded

HOME = Delivery(method="express")
ADDRESS = Address("王五", "13700000000", "上海", "上海", "徐汇", "1")


def make_history(c: Container) -> None:
    list_tea(c, 50)
    shop = c.shop
    now = c.clock.now()
    shop.campaigns.define_campaign(
        code="flash",
        kind="flash_sale",
        title="Flash",
        items=[CampaignItem("TEA", 990, 10)],
        starts_at=now,
        ends_at=now + timedelta(hours=1),
        per_member_limit=5,
        rules=CampaignRules(),
    )
    shop.campaigns.start_campaign("flash")
    member = shop.logins.log_in(openid="o1", unionid=None, scene=1001, query={})[0]
    order_id = shop.flash_sale.place_flash_order(
        "flash", member_id=member, sku_id="TEA", quantity=4, terms=OrderTerms(HOME, ADDRESS)
    )
    shop.payments.record_payment(
        out_trade_no=order_id.hex,
        transaction_id="t1",
        amount_fen=shop.orders.order(order_id).price.payable_fen,
        paid_at=c.clock.now(),
    )

    def ask(kind: AfterSaleKind) -> UUID:
        return shop.after_sales.request(
            order_id, member_id=member, kind=kind, reason="x", lines=[("TEA", 1)]
        )

    first = ask(AfterSaleKind.REFUND_ONLY)
    shop.after_sales.approve(first)
    refunded(c, order_id, first)
    shop.orders.ship_order(order_id, carrier="SF", tracking_no="SF1")
    second = ask(AfterSaleKind.RETURN_AND_REFUND)
    shop.after_sales.approve(second)
    shop.after_sales.submit_return(second, member_id=member, carrier="YTO", tracking_no="YT1")
    shop.after_sales.confirm_received(second)
    refunded(c, order_id, second)
    third = ask(AfterSaleKind.RETURN_AND_REFUND)
    shop.after_sales.approve(third)
    shop.after_sales.submit_return(third, member_id=member, carrier="YTO", tracking_no="YT2")
    shop.campaigns.end_campaign("flash")
    shop.after_sales.confirm_received(third)  # the shard closed: to regular stock
    refunded(c, order_id, third)


def test_rebuilt_views_of_flash_sale_after_sales_equal_incremental_ones(
    running: Running,
) -> None:
    c = running.container
    make_history(c)
    running.settle()
    runner = c.runner
    runner.catch_up()
    before = {name: c.views.dump(name) for name in runner.projections}
    progress = q.campaign_progress(c.views, "flash", c.clock.now())
    assert (progress["units_sold"], progress["items"]) == (
        1,
        [{"sku_id": "TEA", "stock": 10, "left": 0, "taken": 1}],
    )

    runner.rebuild()
    assert {name: c.views.dump(name) for name in runner.projections} == before
