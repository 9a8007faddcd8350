from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.errors import DomainError, InvalidTransition, PaymentMismatch
from chalicelib.domain.order import Order, OrderStatus, RefundStatus

from .given import (
    EXPRESS,
    MEMBER_ID,
    NOW,
    PAYABLE_FEN,
    PRICE,
    TRANSACTION_ID,
    UNPAID_TIMEOUT,
    given_order,
    new_order,
    then,
    types,
)

PAID_AT = NOW + timedelta(minutes=5)


# -- placing -------------------------------------------------------------------
def test_placing_an_order_records_placed_pending_payment() -> None:
    order = new_order()

    events = then(order)

    assert types(events) == [Order.Placed]
    placed = events[0]
    assert placed.member_id == MEMBER_ID
    assert placed.price == PRICE
    assert placed.pay_deadline == NOW + UNPAID_TIMEOUT
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.refund_status == RefundStatus.NONE
    assert order.transaction_id is None


def test_an_order_without_lines_is_refused() -> None:
    with pytest.raises(DomainError):
        Order(
            member_id=MEMBER_ID,
            payer_openid="openid-1",
            lines=[],
            delivery=EXPRESS,
            price=PRICE,
            note="",
            placed_at=NOW,
            pay_deadline=NOW + UNPAID_TIMEOUT,
        )


def test_out_trade_no_is_the_order_id_hex() -> None:
    order = given_order()

    assert order.out_trade_no == order.id.hex
    assert len(order.out_trade_no) == 32


# -- payment -------------------------------------------------------------------
def test_paying_the_payable_amount_records_paid() -> None:
    order = given_order()

    assert order.record_payment(TRANSACTION_ID, PAYABLE_FEN, PAID_AT) is True

    events = then(order)
    assert types(events) == [Order.Paid]
    assert events[0].transaction_id == TRANSACTION_ID
    assert events[0].amount_fen == PAYABLE_FEN
    assert events[0].at == PAID_AT
    assert order.status == OrderStatus.PAID
    assert order.transaction_id == TRANSACTION_ID


@pytest.mark.parametrize("amount", [PAYABLE_FEN - 1, PAYABLE_FEN + 1, 0])
def test_paying_another_amount_is_a_mismatch(amount: int) -> None:
    order = given_order()

    with pytest.raises(PaymentMismatch) as raised:
        order.record_payment(TRANSACTION_ID, amount, PAID_AT)

    assert raised.value.details == {"paid_fen": amount, "payable_fen": PAYABLE_FEN}
    assert then(order) == []
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_the_same_transaction_twice_records_nothing_the_second_time() -> None:
    order = given_order("paid")

    assert order.record_payment(TRANSACTION_ID, PAYABLE_FEN, PAID_AT) is False

    assert then(order) == []
    assert order.status == OrderStatus.PAID


def test_the_same_transaction_is_a_duplicate_even_with_another_amount() -> None:
    order = given_order("paid")

    assert order.record_payment(TRANSACTION_ID, PAYABLE_FEN + 1, PAID_AT) is False

    assert then(order) == []


def test_another_transaction_for_a_paid_order_is_a_mismatch() -> None:
    order = given_order("paid")

    with pytest.raises(PaymentMismatch):
        order.record_payment("4200000001202611019999999999", PAYABLE_FEN, PAID_AT)

    assert then(order) == []
    assert order.transaction_id == TRANSACTION_ID


def test_a_payment_for_a_cancelled_order_is_recorded_and_refunded_automatically() -> None:
    order = given_order("cancelled")

    assert order.record_payment(TRANSACTION_ID, PAYABLE_FEN, PAID_AT) is True

    events = then(order)
    assert types(events) == [Order.PaidAfterClose, Order.RefundApproved]
    late, approved = events
    assert late.transaction_id == TRANSACTION_ID
    assert late.amount_fen == PAYABLE_FEN
    assert approved.amount_fen == PAYABLE_FEN
    assert approved.out_refund_no == f"{order.id.hex[:26]}RF0001"
    assert approved.at == PAID_AT
    assert order.status == OrderStatus.CANCELLED
    assert order.refund_status == RefundStatus.APPROVED
    assert order.returns_stock_on_refund is False


def test_a_late_payment_notified_twice_is_recorded_once() -> None:
    order = given_order("cancelled")
    order.record_payment(TRANSACTION_ID, PAYABLE_FEN, PAID_AT)
    order.collect_events()

    assert order.record_payment(TRANSACTION_ID, PAYABLE_FEN, PAID_AT) is False

    assert then(order) == []


def test_a_late_payment_of_another_amount_is_a_mismatch() -> None:
    order = given_order("cancelled")

    with pytest.raises(PaymentMismatch):
        order.record_payment(TRANSACTION_ID, PAYABLE_FEN - 1, PAID_AT)

    assert then(order) == []


# -- cancellation ----------------------------------------------------------------
def test_a_pending_order_can_be_cancelled() -> None:
    order = given_order()
    at = NOW + timedelta(minutes=3)

    order.cancel(reason="changed my mind", at=at)

    events = then(order)
    assert types(events) == [Order.Cancelled]
    assert events[0].reason == "changed my mind"
    assert events[0].at == at
    assert order.status == OrderStatus.CANCELLED


@pytest.mark.parametrize(
    "state",
    ["paid", "cancelled", "shipped", "received", "ready_for_pickup", "picked_up", "completed"],
)
def test_only_a_pending_order_can_be_cancelled(state: str) -> None:
    order = given_order(state, pickup=state in ("ready_for_pickup", "picked_up"))

    with pytest.raises(InvalidTransition):
        order.cancel(reason="too late", at=NOW + timedelta(days=10))

    assert then(order) == []
    assert order.status == state


def test_a_pending_order_is_overdue_exactly_at_its_deadline() -> None:
    order = given_order()

    assert order.is_overdue(order.pay_deadline) is True
    assert order.is_overdue(order.pay_deadline + timedelta(days=1)) is True


def test_a_pending_order_is_not_overdue_one_microsecond_before_its_deadline() -> None:
    order = given_order()

    assert order.is_overdue(order.pay_deadline - timedelta(microseconds=1)) is False


@pytest.mark.parametrize("state", ["paid", "cancelled"])
def test_an_order_that_is_no_longer_pending_is_never_overdue(state: str) -> None:
    order = given_order(state)

    assert order.is_overdue(order.pay_deadline + timedelta(days=1)) is False
