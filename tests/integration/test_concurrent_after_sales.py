"""Real threads asking the same units of an order back, on both runtimes: an
order of four units raced by six one-unit requests gets exactly four, and
their amounts add up to what was paid."""

from __future__ import annotations

from uuid import UUID

from chalicelib.bootstrap import Container
from chalicelib.domain.after_sale import AfterSale, AfterSaleKind
from chalicelib.domain.errors import InvalidTransition
from chalicelib.domain.refund_ledger import RefundLedger, ledger_id_for
from chalicelib.domain.values import Delivery, SkuSpec
from tests.support.races import race, split
from tests.support.runtimes import Running

PICKUP = Delivery(method="pickup", store_id="s1")


def paid_order(c: Container) -> tuple[UUID, UUID]:
    c.shop.catalogue.list_product(
        slug="tea",
        title="Tea",
        category="tea",
        description="",
        image_url="",
        skus=[(SkuSpec("TEA", "50g", 3333), 50)],
    )
    member = c.shop.logins.log_in(openid="o-alice", unionid=None, scene=None, query={})[0]
    order_id = c.shop.orders.place_order(member_id=member, items=[("TEA", 4)], delivery=PICKUP)
    order = c.shop.orders.order(order_id)
    assert c.shop.payments.record_payment(
        out_trade_no=order.out_trade_no,
        transaction_id=f"4200{order_id.hex}",
        amount_fen=order.price.payable_fen,
        paid_at=c.clock.now(),
    )
    return member, order_id


def test_six_requests_for_four_units_get_exactly_four(running: Running) -> None:
    c = running.container
    member, order_id = paid_order(c)

    outcomes = race(
        6,
        lambda i: c.shop.after_sales.request(
            order_id,
            member_id=member,
            kind=AfterSaleKind.REFUND_ONLY,
            reason=f"racer {i}",
            lines=[("TEA", 1)],
        ),
    )

    won, lost = split(outcomes)
    assert len(won) == 4, outcomes
    assert all(isinstance(e, InvalidTransition) for e in lost), lost
    ledger = c.shop.store.load(RefundLedger, ledger_id_for(order_id), "ledger")
    assert ledger.units == {"TEA": 4}
    amounts = [c.shop.store.load(AfterSale, a, "request").amount_fen for a in won]
    assert sum(amounts) == c.shop.orders.order(order_id).price.payable_fen == 4 * 3333
