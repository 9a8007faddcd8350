"""Given-events builders for the domain tests.

Each builder drives an aggregate through its real commands (the given events),
then clears the pending events, so a test only sees what its command records.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from chalicelib.domain.order import Order
from chalicelib.domain.values import Address, Delivery, OrderLine, PriceBreakdown

NOW = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
MEMBER_ID = UUID("00000000-0000-4000-8000-000000000001")
PAYABLE_FEN = 5000
TRANSACTION_ID = "4200000001202611010000000001"
UNPAID_TIMEOUT = timedelta(minutes=30)

ADDRESS = Address(
    receiver="Li Lei",
    phone="13800000000",
    province="Guangdong",
    city="Shenzhen",
    district="Nanshan",
    detail="1 Keji Rd",
)
EXPRESS = Delivery(method="express", sealed_address="pii1:sealed-by-the-application")
PICKUP = Delivery(method="pickup", store_id="store-1")

LINE = OrderLine(
    product_id="p-1", sku_id="sku-1", title="Tea 250g", unit_price_fen=2500, quantity=2
)
PRICE = PriceBreakdown(
    items_fen=PAYABLE_FEN, discount_fen=0, shipping_fen=0, payable_fen=PAYABLE_FEN
)


def new_order(*, pickup: bool = False) -> Order:
    return Order(
        member_id=MEMBER_ID,
        payer_openid="openid-1",
        lines=[LINE],
        delivery=PICKUP if pickup else EXPRESS,
        price=PRICE,
        note="",
        placed_at=NOW,
        pay_deadline=NOW + UNPAID_TIMEOUT,
    )


def _advance(order: Order, state: str) -> None:
    steps = {
        "pending_payment": [],
        "paid": ["pay"],
        "cancelled": ["cancel"],
        "shipped": ["pay", "ship"],
        "received": ["pay", "ship", "receive"],
        "completed": ["pay", "ship", "receive", "complete"],
        "ready_for_pickup": ["pay", "ready"],
        "picked_up": ["pay", "ready", "pick_up"],
        "refunded": ["pay", "request_refund", "approve_refund", "refund"],
    }[state]
    for step in steps:
        if step == "pay":
            order.record_payment(TRANSACTION_ID, PAYABLE_FEN, NOW + timedelta(minutes=1))
        elif step == "cancel":
            order.cancel(reason="changed my mind", at=NOW + timedelta(minutes=1))
        elif step == "ship":
            order.ship(carrier="SF", tracking_no="SF100", at=NOW + timedelta(hours=2))
        elif step == "receive":
            order.confirm_receipt(at=NOW + timedelta(days=2))
        elif step == "complete":
            order.complete(at=NOW + timedelta(days=9))
        elif step == "ready":
            order.mark_ready_for_pickup(at=NOW + timedelta(hours=2))
        elif step == "pick_up":
            order.pick_up(at=NOW + timedelta(days=1))
        elif step == "request_refund":
            order.request_refund(reason="broken", at=NOW + timedelta(hours=1))
        elif step == "approve_refund":
            order.approve_refund(at=NOW + timedelta(hours=1))
        elif step == "refund":
            assert order.out_refund_no is not None
            order.record_refund(order.out_refund_no, "RF-1", PAYABLE_FEN, NOW + timedelta(hours=2))


def given_order(
    state: str = "pending_payment", *, pickup: bool = False, refund: str | None = None
) -> Order:
    """An order in `state`, optionally with a refund requested/approved/...

    refund: None, "requested", "approved", "rejected" or "failed".
    """
    order = new_order(pickup=pickup)
    _advance(order, state)
    at = NOW + timedelta(days=3)
    if refund is not None:
        order.request_refund(reason="not as described", at=at)
    if refund == "approved" or refund == "failed":
        order.approve_refund(at=at)
    if refund == "rejected":
        order.reject_refund(reason="no reason given", at=at)
    if refund == "failed":
        assert order.out_refund_no is not None
        order.record_refund_failure(order.out_refund_no, "ABNORMAL", at)
    order.collect_events()
    return order


def given(aggregate: Aggregate) -> Aggregate:
    """Clears the given events of an aggregate built in the test."""
    aggregate.collect_events()
    return aggregate


def then(aggregate: Aggregate) -> list[Any]:
    """The events the command under test recorded."""
    return list(aggregate.collect_events())


def types(events: list[Any]) -> list[type]:
    return [type(e) for e in events]
