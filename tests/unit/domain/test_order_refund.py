from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.errors import InvalidTransition, PaymentMismatch
from chalicelib.domain.order import Order, OrderStatus, RefundStatus

from .given import NOW, PAYABLE_FEN, given_order, then, types

AT = NOW + timedelta(days=4)
REFUNDABLE = ["paid", "ready_for_pickup", "shipped", "received", "picked_up"]
NOT_REFUNDABLE = ["pending_payment", "cancelled", "completed", "refunded"]
PICKUP_STATES = ("ready_for_pickup", "picked_up")


def order_in(state: str, refund: str | None = None) -> Order:
    return given_order(state, pickup=state in PICKUP_STATES, refund=refund)


def refund_no(order: Order, number: int) -> str:
    return f"{order.id.hex[:26]}RF{number:04d}"


# -- request ---------------------------------------------------------------------
@pytest.mark.parametrize("state", REFUNDABLE)
def test_a_refund_can_be_requested(state: str) -> None:
    order = order_in(state)

    order.request_refund(reason="broken", at=AT)

    events = then(order)
    assert types(events) == [Order.RefundRequested]
    assert (events[0].reason, events[0].at) == ("broken", AT)
    assert order.refund_status == RefundStatus.REQUESTED
    assert order.status == state


@pytest.mark.parametrize("state", NOT_REFUNDABLE)
def test_a_refund_cannot_be_requested(state: str) -> None:
    order = order_in(state)

    with pytest.raises(InvalidTransition):
        order.request_refund(reason="broken", at=AT)

    assert then(order) == []


@pytest.mark.parametrize("refund", ["requested", "approved"])
def test_a_second_refund_cannot_be_requested_while_one_is_open(refund: str) -> None:
    order = given_order("paid", refund=refund)

    with pytest.raises(InvalidTransition):
        order.request_refund(reason="again", at=AT)

    assert then(order) == []
    assert order.refund_status == refund


@pytest.mark.parametrize("refund", ["rejected"])
def test_a_refund_can_be_requested_again_once_closed(refund: str) -> None:
    order = given_order("paid", refund=refund)

    order.request_refund(reason="again", at=AT)

    assert types(then(order)) == [Order.RefundRequested]


# -- approve / reject ------------------------------------------------------------
def test_approving_assigns_a_32_character_out_refund_no_for_the_whole_amount() -> None:
    order = given_order("paid", refund="requested")

    order.approve_refund(at=AT)

    events = then(order)
    assert types(events) == [Order.RefundApproved]
    approved = events[0]
    assert approved.out_refund_no == refund_no(order, 1)
    assert len(approved.out_refund_no) == 32
    assert approved.amount_fen == PAYABLE_FEN
    assert approved.at == AT
    assert order.out_refund_no == approved.out_refund_no
    assert order.refund_status == RefundStatus.APPROVED


def test_an_approved_request_refunds_with_the_members_own_reason() -> None:
    order = given_order("paid", refund="requested")

    order.approve_refund(at=AT)

    assert [e.reason for e in then(order)] == ["not as described"]


def test_a_failed_refund_is_retried_with_the_reason_it_was_approved_with() -> None:
    order = given_order("shipped")
    order.refund_by_shop(reason="complaint after the window", at=AT)
    assert order.out_refund_no is not None
    order.record_refund_failure(order.out_refund_no, "ABNORMAL", AT)
    then(order)

    order.approve_refund(at=AT + timedelta(hours=1))

    assert [e.reason for e in then(order)] == ["complaint after the window"]


def test_the_out_refund_no_is_deterministic_per_order() -> None:
    first = given_order("paid", refund="approved")
    second = given_order("paid", refund="approved")

    assert first.out_refund_no == refund_no(first, 1)
    assert second.out_refund_no == refund_no(second, 1)
    assert first.out_refund_no != second.out_refund_no


@pytest.mark.parametrize("refund", [None, "approved", "rejected"])
def test_only_a_requested_or_failed_refund_can_be_approved(refund: str | None) -> None:
    order = given_order("paid", refund=refund)

    with pytest.raises(InvalidTransition):
        order.approve_refund(at=AT)

    assert then(order) == []


def test_a_refunded_order_cannot_be_approved_again() -> None:
    order = given_order("refunded")

    with pytest.raises(InvalidTransition):
        order.approve_refund(at=AT)

    assert then(order) == []


def test_a_requested_refund_can_be_rejected() -> None:
    order = given_order("shipped", refund="requested")

    order.reject_refund(reason="used", at=AT)

    events = then(order)
    assert types(events) == [Order.RefundRejected]
    assert events[0].reason == "used"
    assert order.refund_status == RefundStatus.REJECTED
    assert order.status == OrderStatus.SHIPPED


@pytest.mark.parametrize("refund", [None, "approved", "rejected"])
def test_only_a_requested_or_failed_refund_can_be_rejected(refund: str | None) -> None:
    order = given_order("paid", refund=refund)

    with pytest.raises(InvalidTransition):
        order.reject_refund(reason="no", at=AT)

    assert then(order) == []


# -- refund notification -----------------------------------------------------------
@pytest.mark.parametrize(
    ("state", "restocked"),
    [
        ("paid", True),
        ("ready_for_pickup", True),
        ("shipped", False),
        ("received", False),
        ("picked_up", False),
    ],
)
def test_a_refund_is_recorded_restocking_only_goods_that_never_left(
    state: str, restocked: bool
) -> None:
    order = order_in(state, refund="approved")
    assert order.returns_stock_on_refund is restocked

    assert order.record_refund(refund_no(order, 1), "50300001", PAYABLE_FEN, AT) is True

    events = then(order)
    assert types(events) == [Order.Refunded]
    refunded = events[0]
    assert refunded.out_refund_no == refund_no(order, 1)
    assert refunded.refund_id == "50300001"
    assert refunded.amount_fen == PAYABLE_FEN
    assert refunded.restocked is restocked
    assert order.status == OrderStatus.REFUNDED
    assert order.refund_status == RefundStatus.REFUNDED


def test_recording_the_same_refund_twice_records_nothing_the_second_time() -> None:
    order = given_order("refunded")

    assert order.record_refund(refund_no(order, 1), "RF-1", PAYABLE_FEN, AT) is False

    assert then(order) == []


def test_a_refund_with_another_number_is_refused() -> None:
    order = given_order("paid", refund="approved")

    with pytest.raises(InvalidTransition):
        order.record_refund(refund_no(order, 2), "50300001", PAYABLE_FEN, AT)

    assert then(order) == []
    assert order.refund_status == RefundStatus.APPROVED


def test_a_refund_for_another_number_after_refunding_is_refused() -> None:
    order = given_order("refunded")

    with pytest.raises(InvalidTransition):
        order.record_refund(refund_no(order, 2), "RF-2", PAYABLE_FEN, AT)

    assert then(order) == []


@pytest.mark.parametrize("refund", [None, "requested", "rejected", "failed"])
def test_a_refund_is_only_recorded_while_one_is_in_flight(refund: str | None) -> None:
    order = given_order("paid", refund=refund)

    with pytest.raises(InvalidTransition):
        order.record_refund(refund_no(order, 1), "50300001", PAYABLE_FEN, AT)

    assert then(order) == []


@pytest.mark.parametrize("amount", [PAYABLE_FEN - 1, PAYABLE_FEN + 1])
def test_a_refund_of_another_amount_is_a_mismatch(amount: int) -> None:
    order = given_order("paid", refund="approved")

    with pytest.raises(PaymentMismatch):
        order.record_refund(refund_no(order, 1), "50300001", amount, AT)

    assert then(order) == []
    assert order.refund_status == RefundStatus.APPROVED


def test_refunding_a_late_payment_keeps_the_order_cancelled_and_restocks_nothing() -> None:
    order = given_order("cancelled")
    order.record_payment("4200000001", PAYABLE_FEN, AT)
    order.collect_events()

    assert order.record_refund(refund_no(order, 1), "50300001", PAYABLE_FEN, AT) is True

    events = then(order)
    assert types(events) == [Order.Refunded]
    assert events[0].restocked is False
    assert order.status == OrderStatus.CANCELLED
    assert order.refund_status == RefundStatus.REFUNDED


# -- refund failure and re-approval ------------------------------------------------
def test_a_failed_refund_is_recorded() -> None:
    order = given_order("paid", refund="approved")

    assert order.record_refund_failure(refund_no(order, 1), "ABNORMAL", AT) is True

    events = then(order)
    assert types(events) == [Order.RefundFailed]
    assert (events[0].out_refund_no, events[0].outcome) == (refund_no(order, 1), "ABNORMAL")
    assert order.refund_status == RefundStatus.FAILED
    assert order.status == OrderStatus.PAID


def test_the_same_failure_twice_records_nothing_the_second_time() -> None:
    order = given_order("paid", refund="failed")

    assert order.record_refund_failure(refund_no(order, 1), "ABNORMAL", AT) is False

    assert then(order) == []


@pytest.mark.parametrize("refund", [None, "requested", "rejected"])
def test_a_failure_is_only_recorded_while_a_refund_is_in_flight(refund: str | None) -> None:
    order = given_order("paid", refund=refund)

    with pytest.raises(InvalidTransition):
        order.record_refund_failure(refund_no(order, 1), "ABNORMAL", AT)

    assert then(order) == []


def test_a_failure_with_another_number_is_refused() -> None:
    order = given_order("paid", refund="approved")

    with pytest.raises(InvalidTransition):
        order.record_refund_failure(refund_no(order, 2), "ABNORMAL", AT)

    assert then(order) == []


def test_a_failed_refund_is_approved_again_under_the_next_number() -> None:
    order = given_order("paid", refund="failed")

    order.approve_refund(at=AT)

    events = then(order)
    assert types(events) == [Order.RefundApproved]
    assert events[0].out_refund_no == refund_no(order, 2)
    assert events[0].out_refund_no.endswith("RF0002")
    assert len(events[0].out_refund_no) == 32
    assert order.refund_status == RefundStatus.APPROVED


def test_after_re_approval_only_the_new_number_completes_the_refund() -> None:
    order = given_order("paid", refund="failed")
    order.approve_refund(at=AT)
    order.collect_events()

    with pytest.raises(InvalidTransition):
        order.record_refund(refund_no(order, 1), "50300001", PAYABLE_FEN, AT)
    assert order.record_refund(refund_no(order, 2), "50300002", PAYABLE_FEN, AT) is True

    events = then(order)
    assert types(events) == [Order.Refunded]
    assert events[0].out_refund_no == refund_no(order, 2)
    assert events[0].restocked is True


def test_a_failed_refund_stays_open_until_the_shop_approves_it_again_or_rejects_it() -> None:
    order = given_order("paid", refund="failed")

    with pytest.raises(InvalidTransition):
        order.request_refund(reason="again", at=AT)
    order.reject_refund(reason="refunded offline", at=AT)

    assert types(then(order)) == [Order.RefundRejected]
