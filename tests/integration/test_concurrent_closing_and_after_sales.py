"""Real threads, on both runtimes: a member whose closing was interrupted
after the key's deletion closes the account again while asking units of the
stranded order back. Whichever write lands first, the other meets it (both
write the order's refund ledger): no unit is refunded twice, and once every
refund approved is confirmed (the member's request approved by the shop as
usual) the member got back exactly what was paid, never more."""

from __future__ import annotations

import time
from uuid import UUID

from chalicelib.bootstrap import Container
from chalicelib.domain.after_sale import AfterSale, AfterSaleKind, AfterSaleStatus
from chalicelib.domain.errors import InvalidTransition
from chalicelib.domain.order import RefundStatus
from chalicelib.domain.refund_ledger import RefundLedger, ledger_id_for
from chalicelib.domain.values import Address, Delivery, SkuSpec
from tests.support.races import race, split
from tests.support.runtimes import Running

from .test_concurrent_after_sales import money_refunded

ADDRESS = Address(
    receiver="李雷",
    phone="13800000000",
    province="广东省",
    city="深圳市",
    district="南山区",
    detail="科技园 1 号",
)
ROUNDS = 6


def stranded_order(c: Container, n: int) -> tuple[UUID, UUID]:
    """A paid express order of four units whose member's key is gone."""
    member = c.shop.logins.log_in(openid=f"o-closer-{n}", unionid=None, scene=None, query={})[0]
    order_id = c.shop.orders.place_order(
        member_id=member, items=[("TEA", 4)], delivery=Delivery(method="express"), address=ADDRESS
    )
    order = c.shop.orders.order(order_id)
    assert c.shop.payments.record_payment(
        out_trade_no=order.out_trade_no,
        transaction_id=f"4200{order_id.hex}",
        amount_fen=order.price.payable_fen,
        paid_at=c.clock.now(),
    )
    c.vault.shred(member)  # the closing that deleted it stopped before its write
    return member, order_id


def confirm_every_refund(c: Container, order_id: UUID, requests: list[UUID]) -> None:
    """The shop approves the member's requests; WeChat Pay confirms every
    refund approved, each notification twice."""
    for after_sale_id in requests:
        c.shop.after_sales.approve(after_sale_id)
    ledger = c.shop.store.find(RefundLedger, ledger_id_for(order_id))
    for after_sale_id in ledger.claim_units if ledger else {}:
        after_sale = c.shop.store.load(AfterSale, UUID(after_sale_id), "request")
        assert after_sale.status == AfterSaleStatus.REFUNDING and after_sale.out_refund_no
        for _ in range(2):
            c.shop.after_sales.record_refund(
                out_trade_no=order_id.hex,
                out_refund_no=after_sale.out_refund_no,
                refund_id=f"RF-{after_sale_id}",
                amount_fen=after_sale.amount_fen,
                refunded_at=c.clock.now(),
            )
    order = c.shop.orders.order(order_id)
    if order.refund_status == RefundStatus.APPROVED:
        assert order.out_refund_no is not None
        for _ in range(2):
            c.shop.payments.record_refund(
                out_trade_no=order_id.hex,
                out_refund_no=order.out_refund_no,
                refund_id="RF-whole",
                amount_fen=order.price.payable_fen,
                refunded_at=c.clock.now(),
            )


def test_closing_and_asking_back_at_once_never_refund_more_than_was_paid(
    running: Running,
) -> None:
    c = running.container
    c.shop.catalogue.list_product(
        slug="tea",
        title="Tea",
        category="tea",
        description="",
        image_url="",
        skus=[(SkuSpec("TEA", "50g", 3333), 4 * ROUNDS)],
    )
    for n in range(ROUNDS):
        member, order_id = stranded_order(c, n)

        def attempt(
            i: int, member: UUID = member, order_id: UUID = order_id, n: int = n
        ) -> UUID | None:
            if i == 0:
                c.shop.members.close_account(member)
                return None
            time.sleep((n % 3) * 0.002)  # round by round, later into the closing
            return c.shop.after_sales.request(
                order_id,
                member_id=member,
                kind=AfterSaleKind.REFUND_ONLY,
                reason=f"racer {i}",
                lines=[("TEA", 1)],
            )

        outcomes = race(3, attempt)

        won, lost = split(outcomes)
        assert all(isinstance(e, InvalidTransition) for e in lost), outcomes
        assert c.shop.accounts.is_closed(member)
        requests = [o for o in won if isinstance(o, UUID)]
        confirm_every_refund(c, order_id, requests)
        payable = c.shop.orders.order(order_id).price.payable_fen
        assert money_refunded(c, order_id) == payable == 4 * 3333, outcomes
        assert c.shop.orders.order(order_id).status == "refunded"
