from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from chalicelib.application import Shop
from chalicelib.application.errors import InvalidInput, NotFound
from chalicelib.clock import FixedClock
from chalicelib.domain.catalogue import Stock
from chalicelib.domain.errors import DomainError, InvalidTransition, OutOfStock
from chalicelib.domain.ids import product_id_for
from chalicelib.domain.order import Order, OrderStatus, RefundStatus
from chalicelib.domain.values import SkuSpec

from .support import EXPRESS, PICKUP, available, pay, refund_notified, stored_events


# -- catalogue ---------------------------------------------------------------------
def test_listing_a_product_stocks_each_sku(shop: Shop) -> None:
    assert available(shop, "tea-250") == 10
    assert available(shop, "tea-500") == 3
    assert shop.store.exists(product_id_for("oolong"))


def test_listing_the_same_slug_twice_is_refused(shop: Shop) -> None:
    with pytest.raises(DomainError):
        shop.catalogue.list_product(
            slug="oolong",
            title="Oolong again",
            category="tea",
            description="",
            image_url="",
            skus=[(SkuSpec("tea-1k", "1kg", 8000), 1)],
        )


def test_listing_a_sku_id_already_in_use_is_refused(shop: Shop) -> None:
    with pytest.raises(DomainError):
        shop.catalogue.list_product(
            slug="green",
            title="Green",
            category="tea",
            description="",
            image_url="",
            skus=[(SkuSpec("tea-250", "250g", 2000), 1)],
        )
    assert not shop.store.exists(product_id_for("green"))


def test_restocking_returns_what_is_available(shop: Shop) -> None:
    assert shop.catalogue.restock("tea-500", 2) == 5
    assert available(shop, "tea-500") == 5


def test_restocking_an_unknown_sku_is_not_found(shop: Shop) -> None:
    with pytest.raises(NotFound):
        shop.catalogue.restock("ghost", 1)


# -- members -----------------------------------------------------------------------
def test_the_first_login_registers_later_ones_do_not(shop: Shop) -> None:
    first, registered = shop.logins.log_in(
        openid="o-bob", unionid=None, scene=1047, query={"a": "b"}
    )
    again, registered_again = shop.logins.log_in(openid="o-bob", unionid=None, scene=None, query={})

    assert (registered, registered_again) == (True, False)
    assert first == again
    assert shop.accounts.member(first).logins == 2


def test_a_unionid_seen_later_is_linked_to_the_member(shop: Shop) -> None:
    member_id, _ = shop.logins.log_in(openid="o-bob", unionid=None, scene=None, query={})

    again, registered = shop.logins.log_in(openid="o-bob", unionid="u-bob", scene=None, query={})

    assert (again, registered) == (member_id, False)
    assert shop.accounts.member(member_id).unionid == "u-bob"


def test_an_unknown_member_is_not_found(shop: Shop) -> None:
    with pytest.raises(NotFound):
        shop.accounts.member(UUID(int=7))


# -- placing -------------------------------------------------------------------------
def test_placing_an_order_prices_it_and_reserves_stock(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-250", 2)], delivery=EXPRESS
    )

    order = shop.orders.order(order_id, member_id)
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.payer_openid == "o-alice"
    assert order.lines[0].title == "Oolong 250g"
    assert (order.price.items_fen, order.price.shipping_fen, order.price.payable_fen) == (
        5000,
        1000,
        6000,
    )
    assert order.pay_deadline == clock.now() + timedelta(minutes=30)
    assert available(shop, "tea-250") == 8


def test_duplicate_sku_lines_are_merged_into_one(shop: Shop, member_id: UUID) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id,
        items=[("tea-250", 1), ("tea-500", 1), ("tea-250", 3)],
        delivery=PICKUP,
    )

    order = shop.orders.order(order_id)
    assert [(line.sku_id, line.quantity) for line in order.lines] == [
        ("tea-250", 4),
        ("tea-500", 1),
    ]
    assert order.price.payable_fen == 4 * 2500 + 4500
    assert available(shop, "tea-250") == 6
    assert available(shop, "tea-500") == 2


def test_an_unknown_sku_is_invalid_input_naming_its_line(shop: Shop, member_id: UUID) -> None:
    with pytest.raises(InvalidInput) as raised:
        shop.orders.place_order(member_id=member_id, items=[("ghost", 1)], delivery=EXPRESS)

    assert raised.value.field == "lines[0].sku_id"


def test_an_unknown_sku_in_a_later_line_names_that_line(shop: Shop, member_id: UUID) -> None:
    with pytest.raises(InvalidInput) as raised:
        shop.orders.place_order(
            member_id=member_id, items=[("tea-250", 1), ("ghost", 1)], delivery=EXPRESS
        )

    assert raised.value.field == "lines[1].sku_id"
    assert available(shop, "tea-250") == 10


def test_ordering_more_than_is_in_stock_reserves_nothing(shop: Shop, member_id: UUID) -> None:
    with pytest.raises(OutOfStock):
        shop.orders.place_order(
            member_id=member_id, items=[("tea-250", 1), ("tea-500", 4)], delivery=EXPRESS
        )

    assert available(shop, "tea-250") == 10
    assert available(shop, "tea-500") == 3


def test_an_unknown_member_cannot_order(shop: Shop) -> None:
    with pytest.raises(NotFound):
        shop.orders.place_order(member_id=UUID(int=7), items=[("tea-250", 1)], delivery=EXPRESS)


def test_an_order_of_another_member_is_not_found(shop: Shop, member_id: UUID) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-250", 1)], delivery=EXPRESS
    )
    bob, _ = shop.logins.log_in(openid="o-bob", unionid=None, scene=None, query={})

    with pytest.raises(NotFound):
        shop.orders.order(order_id, bob)
    with pytest.raises(NotFound):
        shop.orders.cancel_order(order_id, member_id=bob, reason="not mine")
    assert shop.orders.order(order_id).status == OrderStatus.PENDING_PAYMENT


def test_an_unknown_order_is_not_found(shop: Shop) -> None:
    with pytest.raises(NotFound):
        shop.orders.order(UUID(int=7))


# -- cancelling and expiry -----------------------------------------------------------
def test_cancelling_releases_the_reserved_stock(shop: Shop, member_id: UUID) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-500", 3)], delivery=EXPRESS
    )
    assert available(shop, "tea-500") == 0

    shop.orders.cancel_order(order_id, member_id=member_id, reason="changed my mind")

    assert shop.orders.order(order_id).status == OrderStatus.CANCELLED
    assert available(shop, "tea-500") == 3
    assert stored_events(shop, order_id) == [Order.Placed, Order.Cancelled]


def test_a_paid_order_cannot_be_cancelled(shop: Shop, member_id: UUID) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-500", 1)], delivery=EXPRESS
    )
    pay(shop, order_id)

    with pytest.raises(InvalidTransition):
        shop.orders.cancel_order(order_id, member_id=member_id, reason="too late")

    assert available(shop, "tea-500") == 2


def test_an_order_expires_only_once_its_deadline_is_reached(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-500", 2)], delivery=EXPRESS
    )

    clock.advance(minutes=30, microseconds=-1)
    assert shop.orders.expire_order(order_id) is False
    assert shop.orders.order(order_id).status == OrderStatus.PENDING_PAYMENT
    assert available(shop, "tea-500") == 1

    clock.advance(microseconds=1)
    assert shop.orders.expire_order(order_id) is True
    assert shop.orders.order(order_id).status == OrderStatus.CANCELLED
    assert available(shop, "tea-500") == 3

    assert shop.orders.expire_order(order_id) is False
    assert available(shop, "tea-500") == 3


# -- fulfilment ----------------------------------------------------------------------
def test_express_order_is_shipped_then_received(shop: Shop, member_id: UUID) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-250", 1)], delivery=EXPRESS
    )
    pay(shop, order_id)

    shop.orders.ship_order(order_id, carrier="SF", tracking_no="SF1")
    shop.orders.confirm_receipt(order_id, member_id=member_id)

    assert shop.orders.order(order_id).status == OrderStatus.RECEIVED
    assert stored_events(shop, order_id) == [
        Order.Placed,
        Order.Paid,
        Order.Shipped,
        Order.Received,
    ]


def test_pickup_order_is_prepared_then_picked_up(shop: Shop, member_id: UUID) -> None:
    order_id = shop.orders.place_order(member_id=member_id, items=[("tea-250", 1)], delivery=PICKUP)
    pay(shop, order_id)

    with pytest.raises(InvalidTransition):
        shop.orders.ship_order(order_id, carrier="SF", tracking_no="SF1")
    shop.orders.mark_ready_for_pickup(order_id)
    shop.orders.record_pickup(order_id)

    assert shop.orders.order(order_id).status == OrderStatus.PICKED_UP


# -- refunds -------------------------------------------------------------------------
def test_a_refund_of_a_paid_order_returns_its_stock(shop: Shop, member_id: UUID) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-500", 2)], delivery=EXPRESS
    )
    pay(shop, order_id)
    shop.orders.request_refund(order_id, member_id=member_id, reason="wrong size")
    out_refund_no = shop.orders.approve_refund(order_id)
    assert available(shop, "tea-500") == 1

    assert refund_notified(shop, order_id) is True

    order = shop.orders.order(order_id)
    assert out_refund_no == f"{order_id.hex[:26]}RF0001"
    assert (order.status, order.refund_status) == (OrderStatus.REFUNDED, RefundStatus.REFUNDED)
    assert available(shop, "tea-500") == 3
    assert stored_events(shop, Stock.create_id("tea-500"))[-1] is Stock.Released


def test_a_refund_notified_twice_returns_the_stock_once(shop: Shop, member_id: UUID) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-500", 2)], delivery=EXPRESS
    )
    pay(shop, order_id)
    shop.orders.request_refund(order_id, member_id=member_id, reason="wrong size")
    shop.orders.approve_refund(order_id)
    refund_notified(shop, order_id)

    assert refund_notified(shop, order_id) is False

    assert available(shop, "tea-500") == 3


def test_a_refund_after_shipping_does_not_return_stock(shop: Shop, member_id: UUID) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-500", 2)], delivery=EXPRESS
    )
    pay(shop, order_id)
    shop.orders.ship_order(order_id, carrier="SF", tracking_no="SF1")
    shop.orders.request_refund(order_id, member_id=member_id, reason="broken")
    shop.orders.approve_refund(order_id)

    assert refund_notified(shop, order_id) is True

    assert shop.orders.order(order_id).status == OrderStatus.REFUNDED
    assert available(shop, "tea-500") == 1


def test_a_rejected_refund_request_leaves_the_order_as_it_was(shop: Shop, member_id: UUID) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-500", 1)], delivery=EXPRESS
    )
    pay(shop, order_id)
    shop.orders.request_refund(order_id, member_id=member_id, reason="meh")

    shop.orders.reject_refund(order_id, reason="no")

    order = shop.orders.order(order_id)
    assert (order.status, order.refund_status) == (OrderStatus.PAID, RefundStatus.REJECTED)


def test_a_failed_refund_is_approved_again_under_a_new_number(shop: Shop, member_id: UUID) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-500", 1)], delivery=EXPRESS
    )
    pay(shop, order_id)
    shop.orders.request_refund(order_id, member_id=member_id, reason="broken")
    first = shop.orders.approve_refund(order_id)
    trade_no = order_id.hex

    assert (
        shop.payments.record_refund_failure(
            out_trade_no=trade_no, out_refund_no=first, outcome="ABNORMAL"
        )
        is True
    )
    assert (
        shop.payments.record_refund_failure(
            out_trade_no=trade_no, out_refund_no=first, outcome="ABNORMAL"
        )
        is False
    )
    second = shop.orders.approve_refund(order_id)

    assert first.endswith("RF0001")
    assert second.endswith("RF0002")
    assert second[:26] == first[:26]
    assert refund_notified(shop, order_id) is True
    assert available(shop, "tea-500") == 3


def test_an_unknown_sku_after_a_duplicate_line_names_its_own_line(
    shop: Shop, member_id: UUID
) -> None:
    with pytest.raises(InvalidInput) as raised:
        shop.orders.place_order(
            member_id=member_id,
            items=[("tea-250", 1), ("tea-250", 1), ("ghost", 1)],
            delivery=EXPRESS,
        )

    assert raised.value.field == "lines[2].sku_id"


def test_unionid_linked_later_finds_the_member_from_another_openid(shop: Shop) -> None:
    first, _ = shop.logins.log_in(openid="o-mp", unionid=None, scene=None, query={})
    shop.logins.log_in(openid="o-mp", unionid="u-1", scene=None, query={})

    again, registered = shop.logins.log_in(openid="o-web", unionid="u-1", scene=None, query={})

    assert (again, registered) == (first, False)
