"""What the shop refunds on its own when an account closes on a paid order it
can no longer ship (shop_refunds.refund_unclaimed), without I/O: the whole
order, holding its refund ledger, when no after-sales request claims a unit;
only the unclaimed units, by a request it approves at once, when some are
claimed; nothing when every unit is claimed or a whole refund is under way.
Whatever the claims, what is refunded in all never exceeds what was paid."""

from __future__ import annotations

import random
from datetime import timedelta
from uuid import UUID, uuid4

from chalicelib.application.order_reactions import ACCOUNT_CLOSED
from chalicelib.application.shop_refunds import refund_unclaimed
from chalicelib.domain.after_sale import AfterSale, AfterSaleKind, AfterSaleStatus
from chalicelib.domain.order import Order, RefundStatus
from chalicelib.domain.refund_ledger import RefundLedger
from chalicelib.domain.values import OrderLine, PriceBreakdown

from ..domain.given import EXPRESS, MEMBER_ID, NOW, given, given_order, then, types
from ..domain.test_after_sales import random_order

AT = NOW + timedelta(days=4)


def ledger_of(order: Order, *claims: int, released: bool = False) -> RefundLedger:
    """The order's ledger with one request per entry of `claims` (units of its
    one line), each released when `released`."""
    ledger = RefundLedger(order_id=order.id)
    for units in claims:
        request = uuid4()
        wanted = {order.lines[0].sku_id: units}
        ledger.claim(request, wanted, *ledger.price(wanted, order.lines, order.price), AT)
        if released:
            ledger.release(request, AT)
    given(ledger)
    return ledger


def approved_reasons(order: Order) -> list[str]:
    return [e.reason for e in then(order) if isinstance(e, Order.RefundApproved)]


def test_with_no_ledger_the_whole_order_is_refunded_and_a_new_ledger_holds() -> None:
    order = given_order("paid")

    changed = refund_unclaimed(order, None, ACCOUNT_CLOSED, AT)

    assert approved_reasons(order) == [ACCOUNT_CLOSED]
    [ledger] = [a for a in changed if isinstance(a, RefundLedger)]
    assert changed == [order, ledger] and ledger.order_id == order.id
    assert types(then(ledger)) == [RefundLedger.Opened, RefundLedger.WholeRefundHeld]


def test_when_every_claim_was_released_the_whole_order_is_refunded() -> None:
    order = given_order("paid")
    ledger = ledger_of(order, 1, 1, released=True)

    assert refund_unclaimed(order, ledger, ACCOUNT_CLOSED, AT) == [order, ledger]

    assert approved_reasons(order) == [ACCOUNT_CLOSED]
    assert types(then(ledger)) == [RefundLedger.WholeRefundHeld]


def test_a_whole_refund_the_member_asked_for_is_approved_under_its_hold() -> None:
    order = given_order("paid", refund="requested")
    ledger = RefundLedger(order_id=order.id)
    ledger.hold_for_whole_refund(AT)
    given(ledger)

    assert refund_unclaimed(order, ledger, ACCOUNT_CLOSED, AT) == [order]

    assert approved_reasons(order) == ["not as described"]  # the member's own reason
    assert then(ledger) == [] and ledger.whole_refund


def test_only_the_unclaimed_units_are_refunded_by_a_request_approved_at_once() -> None:
    order = given_order("paid")  # two units of 2500
    ledger = ledger_of(order, 1)

    changed = refund_unclaimed(order, ledger, ACCOUNT_CLOSED, AT)

    [after_sale] = [a for a in changed if isinstance(a, AfterSale)]
    assert changed == [ledger, after_sale] and then(order) == []
    assert (after_sale.member_id, after_sale.order_id) == (MEMBER_ID, order.id)
    assert (after_sale.kind, after_sale.reason) == (AfterSaleKind.REFUND_ONLY, ACCOUNT_CLOSED)
    assert after_sale.units == {"sku-1": 1} and after_sale.status == AfterSaleStatus.REFUNDING
    [sent] = [e for e in then(after_sale) if isinstance(e, AfterSale.RefundApproved)]
    assert (sent.out_trade_no, sent.amount_fen, sent.total_fen) == (order.id.hex, 2500, 5000)
    assert ledger.units == {"sku-1": 2} and str(after_sale.id) in ledger.open


def test_a_settled_claim_stays_claimed_and_only_the_rest_is_refunded() -> None:
    order = given_order("paid")
    ledger = ledger_of(order, 1)
    ledger.settle(UUID(next(iter(ledger.open))), 2500, AT)

    changed = refund_unclaimed(order, ledger, ACCOUNT_CLOSED, AT)

    [after_sale] = [a for a in changed if isinstance(a, AfterSale)]
    assert after_sale.units == {"sku-1": 1} and after_sale.amount_fen == 2500
    assert then(order) == []


def test_when_every_unit_is_claimed_the_order_is_left_to_its_requests() -> None:
    order = given_order("paid")
    ledger = ledger_of(order, 1, 1)

    assert refund_unclaimed(order, ledger, ACCOUNT_CLOSED, AT) == []

    assert then(order) == [] and then(ledger) == []


def test_a_whole_refund_under_way_is_left_as_it_is() -> None:
    order = given_order("paid", refund="approved")
    ledger = RefundLedger(order_id=order.id)
    ledger.hold_for_whole_refund(AT)
    given(ledger)

    assert refund_unclaimed(order, ledger, ACCOUNT_CLOSED, AT) == []
    assert refund_unclaimed(order, None, ACCOUNT_CLOSED, AT) == []

    assert then(order) == [] and then(ledger) == []
    assert order.refund_status == RefundStatus.APPROVED


def paid_order(lines: list[OrderLine], price: PriceBreakdown) -> Order:
    order = Order(
        member_id=MEMBER_ID,
        payer_openid="openid-1",
        lines=lines,
        delivery=EXPRESS,
        price=price,
        note="",
        placed_at=NOW,
        pay_deadline=NOW + timedelta(minutes=30),
    )
    order.record_payment("4200-random", price.payable_fen, NOW + timedelta(minutes=1))
    given(order)
    return order


def refunded_in_all(rng: random.Random, lines: list[OrderLine], price: PriceBreakdown) -> int:
    """Random requests (some released, some settled, some left open), then the
    closing's refund: every refund that was or will be paid out, added up."""
    order = paid_order(lines, price)
    ledger = RefundLedger(order_id=order.id)
    claimed = 0
    for _ in range(rng.randint(0, 4)):
        wanted = {
            line.sku_id: rng.randint(1, ledger.left(line.sku_id, line.quantity))
            for line in lines
            if ledger.left(line.sku_id, line.quantity) and rng.random() < 0.5
        }
        if not wanted:
            continue
        worth, shipping = ledger.price(wanted, lines, price)
        request = uuid4()
        ledger.claim(request, wanted, worth, shipping, AT)
        if rng.random() < 0.3:
            ledger.release(request, AT)
        else:  # approved by the shop in time, or refunded already
            claimed += sum(worth.values()) + shipping
    changed = refund_unclaimed(order, ledger, ACCOUNT_CLOSED, AT)
    whole = sum(e.amount_fen for e in then(order) if isinstance(e, Order.RefundApproved))
    rest = sum(a.amount_fen for a in changed if isinstance(a, AfterSale))
    assert not (whole and claimed), "a whole refund beside claimed units"
    assert all(ledger.left(line.sku_id, line.quantity) == 0 for line in lines) or whole
    return claimed + whole + rest


def test_whatever_the_claims_the_refunds_add_up_to_what_was_paid() -> None:
    rng = random.Random(17)
    for _ in range(500):
        lines, price = random_order(rng)
        assert refunded_in_all(rng, lines, price) == price.payable_fen
