from __future__ import annotations

from datetime import datetime
from uuid import UUID

import pytest

from chalicelib.application import Shop
from chalicelib.application.errors import NotFound
from chalicelib.clock import FixedClock
from chalicelib.domain.errors import PaymentMismatch
from chalicelib.domain.order import Order, OrderStatus, RefundStatus
from chalicelib.domain.payment import Payment

from .support import EXPRESS, PICKUP, available, pay, refund_notified, stored_events, stored_topics

PAYMENT_TOPIC = "chalicelib.domain.payment:Payment.Received"


class FakeDueTimers:
    """Returns the given order ids for each timer kind, whatever the time."""

    def __init__(self, **due: list[UUID]) -> None:
        self.due_ids = due
        self.asked: list[tuple[str, datetime]] = []

    def due(self, kind: str, now: datetime, limit: int = 200) -> list[UUID]:
        self.asked.append((kind, now))
        return list(self.due_ids.get(kind, []))


# -- payments ----------------------------------------------------------------------
def test_a_payment_is_recorded_once(shop: Shop, member_id: UUID) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-250", 1)], delivery=EXPRESS
    )

    assert pay(shop, order_id, "t-1") is True
    assert pay(shop, order_id, "t-1") is False

    assert shop.orders.order(order_id).status == OrderStatus.PAID
    assert shop.payments.payment_recorded("t-1") is True
    assert stored_topics(shop).count(PAYMENT_TOPIC) == 1
    assert stored_events(shop, order_id) == [Order.Placed, Order.Paid]
    assert stored_events(shop, Payment.create_id("t-1")) == [Payment.Received]


def test_a_second_transaction_for_a_paid_order_is_a_mismatch(shop: Shop, member_id: UUID) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-250", 1)], delivery=EXPRESS
    )
    pay(shop, order_id, "t-1")

    with pytest.raises(PaymentMismatch):
        pay(shop, order_id, "t-2")

    assert shop.payments.payment_recorded("t-2") is False


def test_a_payment_of_the_wrong_amount_records_nothing(shop: Shop, member_id: UUID) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-250", 1)], delivery=EXPRESS
    )

    with pytest.raises(PaymentMismatch):
        shop.payments.record_payment(
            out_trade_no=order_id.hex,
            transaction_id="t-1",
            amount_fen=1,
            paid_at=shop.clock.now(),
        )

    assert shop.payments.payment_recorded("t-1") is False
    assert shop.orders.order(order_id).status == OrderStatus.PENDING_PAYMENT


@pytest.mark.parametrize("out_trade_no", ["not-a-hex-number", UUID(int=7).hex])
def test_a_payment_for_an_unknown_order_is_not_found(shop: Shop, out_trade_no: str) -> None:
    with pytest.raises(NotFound):
        shop.payments.record_payment(
            out_trade_no=out_trade_no,
            transaction_id="t-1",
            amount_fen=100,
            paid_at=shop.clock.now(),
        )


def test_a_payment_after_expiry_is_refunded_automatically(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-500", 2)], delivery=EXPRESS
    )
    clock.advance(minutes=30)
    assert shop.orders.expire_order(order_id) is True
    assert available(shop, "tea-500") == 3

    assert pay(shop, order_id, "t-late") is True

    order = shop.orders.order(order_id)
    assert (order.status, order.refund_status) == (OrderStatus.CANCELLED, RefundStatus.APPROVED)
    assert order.out_refund_no == f"{order_id.hex[:26]}RF0001"
    assert stored_events(shop, order_id) == [
        Order.Placed,
        Order.Cancelled,
        Order.PaidAfterClose,
        Order.RefundApproved,
    ]
    assert shop.payments.payment_recorded("t-late") is True

    assert refund_notified(shop, order_id) is True
    assert available(shop, "tea-500") == 3


# -- due jobs ------------------------------------------------------------------------
NOTHING_ELSE = {
    "points_expired": 0,
    "levels_reviewed": 0,
    "birthday_coupons": 0,
    "campaigns_ended": 0,
    "teams_expired": 0,
}


def test_due_jobs_cancel_overdue_unpaid_orders_only(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    overdue = shop.orders.place_order(member_id=member_id, items=[("tea-500", 1)], delivery=EXPRESS)
    clock.advance(minutes=10)
    not_yet = shop.orders.place_order(member_id=member_id, items=[("tea-500", 1)], delivery=EXPRESS)
    clock.advance(minutes=20)
    timers = FakeDueTimers(unpaid=[overdue, not_yet])

    assert shop.jobs.run_due_jobs(timers) == {
        **NOTHING_ELSE,
        **{"cancelled_unpaid": 1, "auto_received": 0, "completed": 0},
    }

    assert shop.orders.order(overdue).status == OrderStatus.CANCELLED
    assert shop.orders.order(not_yet).status == OrderStatus.PENDING_PAYMENT
    assert available(shop, "tea-500") == 2
    assert [kind for kind, _ in timers.asked][:3] == ["unpaid", "auto_receive", "complete"]
    assert {now for _, now in timers.asked} == {clock.now()}


def test_due_jobs_auto_receive_seven_days_after_shipping(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-250", 1)], delivery=EXPRESS
    )
    pay(shop, order_id)
    shop.orders.ship_order(order_id, carrier="SF", tracking_no="SF1")
    timers = FakeDueTimers(auto_receive=[order_id])

    clock.advance(days=7, microseconds=-1)
    assert shop.jobs.run_due_jobs(timers)["auto_received"] == 0
    assert shop.orders.order(order_id).status == OrderStatus.SHIPPED

    clock.advance(microseconds=1)
    assert shop.jobs.run_due_jobs(timers)["auto_received"] == 1
    assert shop.orders.order(order_id).status == OrderStatus.RECEIVED
    assert stored_events(shop, order_id)[-1] is Order.Received
    assert list(shop.store.events.get(order_id))[-1].automatic is True

    assert shop.jobs.run_due_jobs(timers)["auto_received"] == 0


def test_due_jobs_complete_after_the_after_sales_window(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    order_id = shop.orders.place_order(member_id=member_id, items=[("tea-250", 1)], delivery=PICKUP)
    pay(shop, order_id)
    shop.orders.mark_ready_for_pickup(order_id)
    shop.orders.record_pickup(order_id)
    timers = FakeDueTimers(complete=[order_id])

    clock.advance(days=7, microseconds=-1)
    assert shop.jobs.run_due_jobs(timers)["completed"] == 0
    assert shop.orders.order(order_id).status == OrderStatus.PICKED_UP

    clock.advance(microseconds=1)
    assert shop.jobs.run_due_jobs(timers)["completed"] == 1
    assert shop.orders.order(order_id).status == OrderStatus.COMPLETED


def test_due_jobs_do_not_complete_while_a_refund_is_open(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-250", 1)], delivery=EXPRESS
    )
    pay(shop, order_id)
    shop.orders.ship_order(order_id, carrier="SF", tracking_no="SF1")
    shop.orders.confirm_receipt(order_id, member_id=member_id)
    shop.orders.request_refund(order_id, member_id=member_id, reason="broken")
    clock.advance(days=30)

    assert shop.jobs.run_due_jobs(FakeDueTimers(complete=[order_id]))["completed"] == 0

    assert shop.orders.order(order_id).status == OrderStatus.RECEIVED


def test_a_full_express_lifecycle_runs_on_timers_alone(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-250", 1)], delivery=EXPRESS
    )
    pay(shop, order_id)
    shop.orders.ship_order(order_id, carrier="SF", tracking_no="SF1")
    timers = FakeDueTimers(unpaid=[order_id], auto_receive=[order_id], complete=[order_id])

    clock.advance(days=7)
    assert shop.jobs.run_due_jobs(timers) == {
        **NOTHING_ELSE,
        **{"cancelled_unpaid": 0, "auto_received": 1, "completed": 0},
    }
    clock.advance(days=7)
    assert shop.jobs.run_due_jobs(timers) == {
        **NOTHING_ELSE,
        **{"cancelled_unpaid": 0, "auto_received": 0, "completed": 1},
    }

    assert stored_events(shop, order_id) == [
        Order.Placed,
        Order.Paid,
        Order.Shipped,
        Order.Received,
        Order.Completed,
    ]
