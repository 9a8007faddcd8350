"""Real threads asking the same units of an order back, on both runtimes: an
order of four units raced by six one-unit requests gets exactly four, and
their amounts add up to what was paid; a whole-order refund (asked by the
member or made by the shop) racing after-sales requests on one order: exactly
one kind wins, the other gets a 409 (InvalidTransition), and once every
refund that won is confirmed the money refunded never exceeds what was paid."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import pytest

from chalicelib.bootstrap import Container
from chalicelib.domain.after_sale import AfterSale, AfterSaleKind
from chalicelib.domain.errors import InvalidTransition
from chalicelib.domain.order import Order
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


def whole_by_member(c: Container, member: UUID, order_id: UUID) -> str:
    c.shop.orders.request_refund(order_id, member_id=member, reason="whole")
    return c.shop.orders.approve_refund(order_id)


def whole_by_shop(c: Container, member: UUID, order_id: UUID) -> str:
    return c.shop.orders.refund_by_shop(order_id, reason="whole")


def money_refunded(c: Container, order_id: UUID) -> int:
    return sum(
        e.amount_fen
        for e in c.shop.store.events.get(order_id)
        if isinstance(e, Order.Refunded | Order.AfterSaleRefunded)
    )


@pytest.mark.parametrize("whole", [whole_by_member, whole_by_shop])
def test_a_whole_refund_and_after_sales_requests_never_both_win(
    running: Running, whole: Callable[[Container, UUID, UUID], str]
) -> None:
    c = running.container
    member, order_id = paid_order(c)

    def attempt(i: int) -> str | UUID:
        if i == 0:
            return whole(c, member, order_id)
        return c.shop.after_sales.request(
            order_id,
            member_id=member,
            kind=AfterSaleKind.REFUND_ONLY,
            reason=f"racer {i}",
            lines=[("TEA", 1)],
        )

    outcomes = race(4, attempt)

    assert all(isinstance(o, InvalidTransition) for o in split(outcomes)[1]), outcomes
    payable = c.shop.orders.order(order_id).price.payable_fen
    if isinstance(outcomes[0], str):  # the whole refund won: every request lost
        assert all(isinstance(o, InvalidTransition) for o in outcomes[1:]), outcomes
        c.shop.payments.record_refund(
            out_trade_no=order_id.hex,
            out_refund_no=outcomes[0],
            refund_id="RF-whole",
            amount_fen=payable,
            refunded_at=c.clock.now(),
        )
    else:  # some requests won: the whole refund lost
        assert isinstance(outcomes[0], InvalidTransition), outcomes
        for after_sale_id in split(outcomes[1:])[0]:
            assert isinstance(after_sale_id, UUID)
            c.shop.after_sales.approve(after_sale_id)
            after_sale = c.shop.store.load(AfterSale, after_sale_id, "request")
            assert after_sale.out_refund_no is not None
            c.shop.after_sales.record_refund(
                out_trade_no=order_id.hex,
                out_refund_no=after_sale.out_refund_no,
                refund_id=f"RF-{after_sale_id.hex}",
                amount_fen=after_sale.amount_fen,
                refunded_at=c.clock.now(),
            )
    assert 0 < money_refunded(c, order_id) <= payable
