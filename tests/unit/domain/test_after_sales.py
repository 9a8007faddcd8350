"""Partial after-sales in the domain: the apportioning rule (property-style:
random orders split into random requests always add up to what was paid),
the refund ledger (no unit claimed twice) and the request's state machine."""

from __future__ import annotations

import random
from datetime import timedelta
from uuid import uuid4

import pytest

from chalicelib.domain.after_sale import (
    AfterSale,
    AfterSaleKind,
    AfterSaleStatus,
    after_sale_id_from_refund_no,
)
from chalicelib.domain.apportion import paid_per_line, spread
from chalicelib.domain.errors import DomainError, InvalidTransition, PaymentMismatch
from chalicelib.domain.order import Order, OrderStatus, RefundStatus
from chalicelib.domain.refund_ledger import RefundLedger
from chalicelib.domain.values import OrderLine, PriceBreakdown

from .given import MEMBER_ID, NOW, given_order, then, types

AT = NOW + timedelta(days=1)


def random_order(rng: random.Random) -> tuple[list[OrderLine], PriceBreakdown]:
    lines = [
        OrderLine(
            product_id=f"p{i}",
            sku_id=f"sku-{i}",
            title="t",
            unit_price_fen=rng.randint(0, 30000),
            quantity=rng.randint(1, 7),
        )
        for i in range(rng.randint(1, 5))
    ]
    items = sum(line.total_fen for line in lines)
    discount = rng.randint(0, items)
    shipping = rng.choice([0, 0, 800, 1200])
    price = PriceBreakdown(
        items_fen=items,
        discount_fen=discount,
        shipping_fen=shipping,
        payable_fen=items - discount + shipping,
    )
    return lines, price


def test_spread_sums_exactly_and_favours_the_largest_remainders() -> None:
    assert spread(10, [1, 1, 1]) == [4, 3, 3]
    assert spread(100, [2, 1]) == [67, 33]
    assert spread(5, [0, 0]) == [5, 0]
    rng = random.Random(7)
    for _ in range(2000):
        weights = [rng.randint(0, 10**6) for _ in range(rng.randint(1, 8))]
        total = rng.randint(0, sum(weights) or 1000)
        shares = spread(total, weights)
        assert sum(shares) == total and min(shares) >= 0
        if sum(weights):
            exact = [total * w / sum(weights) for w in weights]
            assert all(abs(s - x) < 1 for s, x in zip(shares, exact, strict=True))


def test_paid_per_line_adds_up_to_payable_less_shipping() -> None:
    rng = random.Random(11)
    for _ in range(1000):
        lines, price = random_order(rng)
        paid = paid_per_line(lines, price)
        assert sum(paid) == price.payable_fen - price.shipping_fen
        assert all(0 <= p <= line.total_fen for p, line in zip(paid, lines, strict=True))


def claim_all(rng: random.Random, lines: list[OrderLine], price: PriceBreakdown) -> int:
    """Random requests (some rejected, their units asked again) until every
    unit is claimed; returns the sum of the kept claims."""
    ledger = RefundLedger(order_id=uuid4())
    kept = 0
    while not all(ledger.left(line.sku_id, line.quantity) == 0 for line in lines):
        wanted = {
            line.sku_id: rng.randint(0, ledger.left(line.sku_id, line.quantity))
            for line in lines
            if ledger.left(line.sku_id, line.quantity) and rng.random() < 0.6
        }
        wanted = {sku: q for sku, q in wanted.items() if q}
        if not wanted:
            continue
        worth, shipping = ledger.price(wanted, lines, price)
        assert min(worth.values()) >= 0
        request = uuid4()
        ledger.claim(request, wanted, worth, shipping, AT)
        if rng.random() < 0.2:
            ledger.release(request, AT)
        else:
            ledger.settle(request, sum(worth.values()) + shipping, AT)
            kept += sum(worth.values()) + shipping
    return kept


def test_any_split_into_requests_refunds_exactly_what_was_paid() -> None:
    rng = random.Random(2026)
    for _ in range(1500):
        lines, price = random_order(rng)
        assert claim_all(rng, lines, price) == price.payable_fen


def test_the_rule_on_a_worked_example() -> None:
    """Two lines 3 × 3333 and 1 × 5000, 1000 fen off, 800 fen shipping."""
    lines = [
        OrderLine(product_id="a", sku_id="A", title="a", unit_price_fen=3333, quantity=3),
        OrderLine(product_id="b", sku_id="B", title="b", unit_price_fen=5000, quantity=1),
    ]
    price = PriceBreakdown(items_fen=14999, discount_fen=1000, shipping_fen=800, payable_fen=14799)
    # 1000 × 9999/14999 = 666.64 -> 666 (+1, larger remainder) ; 1000 × 5000/14999 = 333.36
    assert paid_per_line(lines, price) == [9999 - 667, 5000 - 333]
    ledger = RefundLedger(order_id=uuid4())
    first = ledger.price({"A": 1}, lines, price)
    assert first == ({"A": 3110}, 0)  # floor(9332 × 1 / 3)
    ledger.claim(uuid4(), {"A": 1}, *first, AT)
    assert ledger.price({"A": 2, "B": 1}, lines, price) == ({"A": 6222, "B": 4667}, 800)


def test_a_unit_is_never_claimed_twice() -> None:
    lines = [OrderLine(product_id="a", sku_id="A", title="a", unit_price_fen=100, quantity=2)]
    price = PriceBreakdown(items_fen=200, discount_fen=0, shipping_fen=0, payable_fen=200)
    ledger = RefundLedger(order_id=uuid4())
    ledger.claim(uuid4(), {"A": 2}, *ledger.price({"A": 2}, lines, price), AT)
    with pytest.raises(InvalidTransition):
        ledger.price({"A": 1}, lines, price)
    with pytest.raises(DomainError):
        ledger.price({"Z": 1}, lines, price)


def new_request(kind: AfterSaleKind) -> AfterSale:
    request = AfterSale(
        order_id=uuid4(),
        member_id=MEMBER_ID,
        kind=kind,
        reason="broken",
        units={"A": 1},
        worth={"A": 300},
        shipping_fen=0,
        total_fen=1000,
        at=AT,
    )
    request.collect_events()
    return request


def test_refund_only_goes_approve_then_refund() -> None:
    request = new_request(AfterSaleKind.REFUND_ONLY)
    request.approve(at=AT)
    approved = then(request)
    assert types(approved) == [AfterSale.RefundApproved]
    assert approved[0].out_refund_no == f"AS{request.id.hex}R01"
    assert (approved[0].amount_fen, approved[0].total_fen) == (300, 1000)
    assert after_sale_id_from_refund_no(approved[0].out_refund_no) == request.id
    with pytest.raises(PaymentMismatch):
        request.record_refund(approved[0].out_refund_no, "R1", 1000, AT)
    assert request.record_refund(approved[0].out_refund_no, "R1", 300, AT)
    assert not request.record_refund(approved[0].out_refund_no, "R1", 300, AT)
    assert request.status == AfterSaleStatus.REFUNDED


def test_a_return_waits_for_the_goods() -> None:
    request = new_request(AfterSaleKind.RETURN_AND_REFUND)
    with pytest.raises(InvalidTransition):
        request.submit_return("SF", "SF1", AT)
    request.approve(at=AT)
    assert request.status == AfterSaleStatus.AWAITING_RETURN
    with pytest.raises(InvalidTransition):
        request.confirm_received(at=AT)
    request.submit_return("SF", "SF1", AT)
    request.confirm_received(at=AT)
    assert types(then(request)) == [
        AfterSale.Approved,
        AfterSale.ReturnSubmitted,
        AfterSale.GoodsReceived,
        AfterSale.RefundApproved,
    ]
    assert request.status == AfterSaleStatus.REFUNDING


def test_a_failed_refund_is_approved_again_under_a_new_number() -> None:
    request = new_request(AfterSaleKind.REFUND_ONLY)
    request.approve(at=AT)
    first = request.out_refund_no
    assert first is not None
    assert request.record_refund_failure(first, "CLOSED", AT)
    assert not request.record_refund_failure(first, "CLOSED", AT)
    request.approve(at=AT)
    assert request.out_refund_no == f"AS{request.id.hex}R02"
    with pytest.raises(InvalidTransition):
        request.record_refund(first, "R1", 300, AT)


def test_reject_only_before_the_refund_goes_out() -> None:
    request = new_request(AfterSaleKind.REFUND_ONLY)
    request.reject("no", AT)
    assert request.status == AfterSaleStatus.REJECTED
    for act in (lambda: request.approve(at=AT), lambda: request.reject("again", AT)):
        with pytest.raises(InvalidTransition):
            act()
    other = new_request(AfterSaleKind.REFUND_ONLY)
    other.approve(at=AT)
    with pytest.raises(InvalidTransition):
        other.reject("late", AT)


def test_refund_numbers_of_whole_orders_are_not_after_sales() -> None:
    assert after_sale_id_from_refund_no(f"{uuid4().hex[:26]}RF0001") is None
    assert after_sale_id_from_refund_no("AS" + "x" * 35) is None


@pytest.mark.parametrize("state", ["pending_payment", "cancelled", "completed"])
def test_after_sales_need_a_paid_open_order(state: str) -> None:
    with pytest.raises(InvalidTransition):
        given_order(state).require_after_sales()


def test_after_sales_are_refused_beside_a_whole_order_refund() -> None:
    with pytest.raises(InvalidTransition):
        given_order("shipped", refund="requested").require_after_sales()


def test_the_last_partial_refund_refunds_the_order() -> None:
    order = given_order("shipped")
    order.require_after_sales()
    order.record_after_sale_refund(
        uuid4(), units={"sku-1": 1}, goods_fen=2500, amount_fen=2500, whole=False, at=AT
    )
    assert (order.status, order.refunded_fen, order.paid_goods_fen) == (
        OrderStatus.SHIPPED,
        2500,
        2500,
    )
    order.record_after_sale_refund(
        uuid4(), units={"sku-1": 1}, goods_fen=2500, amount_fen=2500, whole=True, at=AT
    )
    assert types(then(order)) == [Order.AfterSaleRefunded, Order.AfterSaleRefunded]
    assert (order.status, order.refund_status) == (OrderStatus.REFUNDED, RefundStatus.REFUNDED)
