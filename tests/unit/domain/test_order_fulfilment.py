from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.errors import InvalidTransition
from chalicelib.domain.order import Order, OrderStatus

from .given import NOW, given_order, then, types

AT = NOW + timedelta(days=1)
WEEK = timedelta(days=7)
US = timedelta(microseconds=1)

PICKUP_STATES = ("ready_for_pickup", "picked_up")


def order_in(state: str, refund: str | None = None) -> Order:
    return given_order(state, pickup=state in PICKUP_STATES, refund=refund)


# -- shipping --------------------------------------------------------------------
def test_a_paid_express_order_can_be_shipped() -> None:
    order = given_order("paid")

    order.ship(carrier="SF", tracking_no="SF123", at=AT)

    events = then(order)
    assert types(events) == [Order.Shipped]
    assert (events[0].carrier, events[0].tracking_no, events[0].at) == ("SF", "SF123", AT)
    assert order.status == OrderStatus.SHIPPED
    assert order.shipped_at == AT


@pytest.mark.parametrize(
    "state", ["pending_payment", "cancelled", "shipped", "received", "completed", "refunded"]
)
def test_only_a_paid_order_can_be_shipped(state: str) -> None:
    order = given_order(state)

    with pytest.raises(InvalidTransition):
        order.ship(carrier="SF", tracking_no="SF123", at=AT)

    assert then(order) == []


def test_a_pickup_order_is_not_shipped() -> None:
    order = given_order("paid", pickup=True)

    with pytest.raises(InvalidTransition):
        order.ship(carrier="SF", tracking_no="SF123", at=AT)

    assert then(order) == []
    assert order.status == OrderStatus.PAID


@pytest.mark.parametrize("refund", ["requested", "approved", "failed"])
def test_an_order_is_not_shipped_while_a_refund_is_open(refund: str) -> None:
    order = given_order("paid", refund=refund)

    with pytest.raises(InvalidTransition):
        order.ship(carrier="SF", tracking_no="SF123", at=AT)

    assert then(order) == []
    assert order.status == OrderStatus.PAID


@pytest.mark.parametrize("refund", ["rejected"])
def test_an_order_can_be_shipped_once_the_refund_is_closed(refund: str) -> None:
    order = given_order("paid", refund=refund)

    order.ship(carrier="SF", tracking_no="SF123", at=AT)

    assert types(then(order)) == [Order.Shipped]


# -- store pickup ----------------------------------------------------------------
def test_a_paid_pickup_order_can_be_made_ready_for_pickup() -> None:
    order = given_order("paid", pickup=True)

    order.mark_ready_for_pickup(at=AT)

    events = then(order)
    assert types(events) == [Order.ReadyForPickup]
    assert events[0].at == AT
    assert order.status == OrderStatus.READY_FOR_PICKUP


def test_an_express_order_is_not_made_ready_for_pickup() -> None:
    order = given_order("paid")

    with pytest.raises(InvalidTransition):
        order.mark_ready_for_pickup(at=AT)

    assert then(order) == []


@pytest.mark.parametrize("state", ["pending_payment", "cancelled", "ready_for_pickup", "picked_up"])
def test_only_a_paid_pickup_order_is_made_ready_for_pickup(state: str) -> None:
    order = given_order(state, pickup=True)

    with pytest.raises(InvalidTransition):
        order.mark_ready_for_pickup(at=AT)

    assert then(order) == []


@pytest.mark.parametrize("refund", ["requested", "approved"])
def test_a_pickup_order_is_not_prepared_while_a_refund_is_open(refund: str) -> None:
    order = given_order("paid", pickup=True, refund=refund)

    with pytest.raises(InvalidTransition):
        order.mark_ready_for_pickup(at=AT)

    assert then(order) == []


def test_an_order_ready_for_pickup_can_be_picked_up() -> None:
    order = given_order("ready_for_pickup", pickup=True)

    order.pick_up(at=AT)

    events = then(order)
    assert types(events) == [Order.PickedUp]
    assert order.status == OrderStatus.PICKED_UP
    assert order.received_at == AT


@pytest.mark.parametrize("state", ["pending_payment", "paid", "picked_up", "cancelled"])
def test_only_an_order_ready_for_pickup_can_be_picked_up(state: str) -> None:
    order = given_order(state, pickup=True)

    with pytest.raises(InvalidTransition):
        order.pick_up(at=AT)

    assert then(order) == []


# -- receipt ---------------------------------------------------------------------
def test_a_shipped_order_can_be_received() -> None:
    order = given_order("shipped")

    order.confirm_receipt(at=AT)

    events = then(order)
    assert types(events) == [Order.Received]
    assert events[0].automatic is False
    assert order.status == OrderStatus.RECEIVED
    assert order.received_at == AT


def test_an_automatic_receipt_is_marked_as_such() -> None:
    order = given_order("shipped")

    order.confirm_receipt(at=AT, automatic=True)

    assert then(order)[0].automatic is True


@pytest.mark.parametrize(
    "state", ["pending_payment", "paid", "received", "completed", "cancelled", "ready_for_pickup"]
)
def test_only_a_shipped_order_can_be_received(state: str) -> None:
    order = order_in(state)

    with pytest.raises(InvalidTransition):
        order.confirm_receipt(at=AT)

    assert then(order) == []


def test_auto_receipt_is_due_exactly_when_the_wait_is_over() -> None:
    order = given_order("shipped")
    assert order.shipped_at is not None

    assert order.is_due_for_auto_receipt(order.shipped_at + WEEK, WEEK) is True
    assert order.is_due_for_auto_receipt(order.shipped_at + WEEK - US, WEEK) is False


@pytest.mark.parametrize("state", ["paid", "received", "completed"])
def test_auto_receipt_is_only_due_for_shipped_orders(state: str) -> None:
    order = given_order(state)

    assert order.is_due_for_auto_receipt(NOW + timedelta(days=365), WEEK) is False


# -- completion ------------------------------------------------------------------
@pytest.mark.parametrize("state", ["received", "picked_up"])
def test_a_received_or_picked_up_order_can_be_completed(state: str) -> None:
    order = order_in(state)

    order.complete(at=AT)

    events = then(order)
    assert types(events) == [Order.Completed]
    assert events[0].at == AT
    assert order.status == OrderStatus.COMPLETED


@pytest.mark.parametrize(
    "state", ["pending_payment", "paid", "shipped", "ready_for_pickup", "completed", "cancelled"]
)
def test_only_a_received_or_picked_up_order_can_be_completed(state: str) -> None:
    order = order_in(state)

    with pytest.raises(InvalidTransition):
        order.complete(at=AT)

    assert then(order) == []


@pytest.mark.parametrize("state", ["received", "picked_up"])
@pytest.mark.parametrize("refund", ["requested", "approved"])
def test_an_order_is_not_completed_while_a_refund_is_open(state: str, refund: str) -> None:
    order = order_in(state, refund=refund)

    with pytest.raises(InvalidTransition):
        order.complete(at=AT)

    assert then(order) == []


def test_an_order_can_be_completed_after_its_refund_was_rejected() -> None:
    order = given_order("received", refund="rejected")

    order.complete(at=AT)

    assert types(then(order)) == [Order.Completed]


@pytest.mark.parametrize("state", ["received", "picked_up"])
def test_completion_is_due_exactly_when_the_after_sales_window_closes(state: str) -> None:
    order = order_in(state)
    assert order.received_at is not None

    assert order.is_due_for_completion(order.received_at + WEEK, WEEK) is True
    assert order.is_due_for_completion(order.received_at + WEEK - US, WEEK) is False


@pytest.mark.parametrize("refund", ["requested", "approved"])
def test_completion_is_not_due_while_a_refund_is_open(refund: str) -> None:
    order = given_order("received", refund=refund)

    assert order.is_due_for_completion(NOW + timedelta(days=365), WEEK) is False


@pytest.mark.parametrize("state", ["paid", "shipped", "completed", "refunded"])
def test_completion_is_only_due_for_received_or_picked_up_orders(state: str) -> None:
    order = given_order(state)

    assert order.is_due_for_completion(NOW + timedelta(days=365), WEEK) is False


def test_goods_are_not_handed_over_while_a_refund_is_open() -> None:
    order = given_order("ready_for_pickup", pickup=True, refund="requested")

    with pytest.raises(InvalidTransition):
        order.pick_up(at=AT)

    assert then(order) == []
