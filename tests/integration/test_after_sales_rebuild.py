"""After-sales history rebuilt: every view (the after-sales list, the order's
partial refunds, the points given back part by part, the analytics) equals the
incrementally built one, and the refund intents are not sent again."""

from __future__ import annotations

from uuid import UUID

from chalicelib.bootstrap import Container
from chalicelib.domain.after_sale import AfterSaleKind
from chalicelib.domain.points_policy import PointsPolicy
from chalicelib.domain.values import Address, Delivery

from .conftest import list_tea

HOME = Delivery(method="express")
ADDRESS = Address("王五", "13700000000", "上海", "上海", "徐汇", "1")


def refunded(c: Container, order_id: UUID, after_sale_id: UUID) -> None:
    request = c.shop.after_sales.after_sale(after_sale_id)
    assert request.out_refund_no is not None
    assert c.shop.after_sales.record_refund(
        out_trade_no=order_id.hex,
        out_refund_no=request.out_refund_no,
        refund_id=f"50{after_sale_id.hex}",
        amount_fen=request.amount_fen,
        refunded_at=c.clock.now(),
    )


def make_history(c: Container) -> None:
    list_tea(c, 50)
    shop = c.shop
    member = shop.logins.log_in(openid="o1", unionid=None, scene=1001, query={})[0]
    account = shop.accounts.points_of(member)
    account.earn_reward("seed", 1000, c.clock.now(), PointsPolicy())
    shop.store.save(account)
    order_id = shop.orders.place_order(
        member_id=member, items=[("TEA", 3)], delivery=HOME, address=ADDRESS, points=700
    )
    order = shop.orders.order(order_id)
    shop.payments.record_payment(
        out_trade_no=order_id.hex,
        transaction_id="t1",
        amount_fen=order.price.payable_fen,
        paid_at=c.clock.now(),
    )

    def ask(kind: AfterSaleKind, quantity: int) -> UUID:
        return shop.after_sales.request(
            order_id, member_id=member, kind=kind, reason="x", lines=[("TEA", quantity)]
        )

    first = ask(AfterSaleKind.REFUND_ONLY, 1)
    shop.after_sales.approve(first)
    refunded(c, order_id, first)
    c.clock.advance(minutes=5)
    shop.after_sales.reject(ask(AfterSaleKind.REFUND_ONLY, 2), reason="no")
    shop.orders.ship_order(order_id, carrier="SF", tracking_no="SF1")
    second = ask(AfterSaleKind.RETURN_AND_REFUND, 2)
    shop.after_sales.approve(second)
    shop.after_sales.submit_return(second, member_id=member, carrier="YTO", tracking_no="YT1")
    shop.after_sales.confirm_received(second)
    refunded(c, order_id, second)
    c.follow_on.settle()


def test_rebuilt_after_sales_views_equal_incremental_ones(container: Container) -> None:
    make_history(container)
    runner = container.runner
    before = {name: container.views.dump(name) for name in runner.projections}
    assert len(before["after_sales"]) > 0
    kinds = [
        line["kind"] for row in before["points"].values() for line in row["doc"].get("ledger", [])
    ]
    assert kinds[:3] == ["restored", "restored", "redeemed"]  # the redemption back in two parts
    outbox_before = container.outbox.messages()
    refunds = [m for m in outbox_before if m["kind"] == "wechatpay.refund"]
    assert len(refunds) == 2

    runner.rebuild()
    assert {name: container.views.dump(name) for name in runner.projections} == before
    assert container.outbox.messages() == outbox_before
