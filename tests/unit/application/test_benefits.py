"""Checkout and the member's benefits through an order's life: coupons, points,
spend and levels, and closing the account (in-memory store, fixed clock)."""

from __future__ import annotations

from uuid import UUID

import pytest

from chalicelib.application import Shop
from chalicelib.application.checkout import StaleQuote
from chalicelib.clock import FixedClock
from chalicelib.domain.coupons import CouponWallet
from chalicelib.domain.errors import AccountClosed, CouponUnavailable, InsufficientPoints
from chalicelib.domain.ids import wallet_id_for
from chalicelib.domain.member import Member
from chalicelib.domain.order import Order
from chalicelib.domain.values import CouponTerms

from .support import ADDRESS, EXPRESS, PICKUP, pay, refund_notified


def define(shop: Shop, code: str = "c10", trigger: str = "claim", **kw: int) -> None:
    shop.coupons.define_coupon_template(
        code=code,
        title="减10元",
        terms=CouponTerms(kind="no_threshold", amount_fen=1000),
        trigger=trigger,
        starts_at=None,
        ends_at=None,
        valid_days=kw.get("valid_days", 7),
        total_quantity=kw.get("total", 0),
        per_member_limit=kw.get("limit", 1),
    )


def wallet(shop: Shop, member_id: UUID) -> CouponWallet:
    found = shop.store.repository.get(wallet_id_for(member_id))
    assert isinstance(found, CouponWallet)
    return found


def earn_points(shop: Shop, member_id: UUID, clock: FixedClock, days: int) -> None:
    for _ in range(days):
        shop.loyalty.check_in(member_id)
        clock.advance(days=1)


def test_a_quote_and_the_order_price_the_same_way(shop: Shop, member_id: UUID) -> None:
    checkout = shop.checkout.check_out(member_id=member_id, items=[("tea-500", 2)], pickup=False)
    order_id = shop.orders.place_order(
        member_id=member_id,
        items=[("tea-500", 2)],
        delivery=EXPRESS,
        quote_id=checkout.quote_id,
    )

    assert shop.orders.order(order_id).price == checkout.price
    assert checkout.price.payable_fen == 9000 - 0 + 1000  # below free shipping at 9900


def test_an_order_with_a_stale_quote_is_refused(shop: Shop, member_id: UUID) -> None:
    quote = shop.checkout.check_out(
        member_id=member_id, items=[("tea-250", 1)], pickup=True
    ).quote_id
    define(shop)
    coupon = shop.coupons.claim_coupon(member_id, "c10")

    with pytest.raises(StaleQuote):
        shop.orders.place_order(
            member_id=member_id,
            items=[("tea-250", 1)],
            delivery=PICKUP,
            coupon_id=coupon.coupon_id,
            quote_id=quote,
        )


def test_the_address_is_sealed_in_the_order_event(shop: Shop, member_id: UUID) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-250", 1)], delivery=EXPRESS, address=ADDRESS
    )

    sealed = shop.orders.order(order_id).delivery.sealed_address
    assert sealed is not None and sealed.startswith("pii1:")
    assert ADDRESS.phone not in sealed and ADDRESS.receiver not in sealed


def test_a_coupon_is_locked_by_one_order_then_used_on_payment(shop: Shop, member_id: UUID) -> None:
    define(shop)
    coupon = shop.coupons.claim_coupon(member_id, "c10")
    first = shop.orders.place_order(
        member_id=member_id, items=[("tea-250", 1)], delivery=PICKUP, coupon_id=coupon.coupon_id
    )
    with pytest.raises(CouponUnavailable):
        shop.orders.place_order(
            member_id=member_id,
            items=[("tea-250", 1)],
            delivery=PICKUP,
            coupon_id=coupon.coupon_id,
        )

    assert shop.orders.order(first).price.payable_fen == 2500 - 1000
    pay(shop, first)
    assert wallet(shop, member_id).status_of(coupon.coupon_id) == "used"


def test_cancelling_returns_the_coupon_and_the_points(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    earn_points(shop, member_id, clock, 7)  # 6 x 5 + (5 + 20) = 55 points
    define(shop)
    coupon = shop.coupons.claim_coupon(member_id, "c10")
    order_id = shop.orders.place_order(
        member_id=member_id,
        items=[("tea-250", 1)],
        delivery=PICKUP,
        coupon_id=coupon.coupon_id,
        points=55,
    )
    assert shop.accounts.points_account(member_id).balance == 0

    shop.orders.cancel_order(order_id, member_id=member_id, reason="changed my mind")

    assert wallet(shop, member_id).status_of(coupon.coupon_id) == "available"
    assert shop.accounts.points_account(member_id).balance == 55


def test_a_refund_after_the_coupon_expired_does_not_return_it(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    define(shop, valid_days=1)
    coupon = shop.coupons.claim_coupon(member_id, "c10")
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-250", 1)], delivery=PICKUP, coupon_id=coupon.coupon_id
    )
    pay(shop, order_id)
    clock.advance(days=2)
    shop.orders.refund_by_shop(order_id, reason="out of stock")
    refund_notified(shop, order_id)

    assert wallet(shop, member_id).status_of(coupon.coupon_id) == "expired"


def test_more_points_than_the_balance_are_refused(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    earn_points(shop, member_id, clock, 1)

    with pytest.raises(InsufficientPoints):
        shop.orders.place_order(
            member_id=member_id, items=[("tea-500", 1)], delivery=PICKUP, points=6
        )


def test_points_are_earned_at_completion_and_clawed_back_by_a_refund(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    order_id = shop.orders.place_order(member_id=member_id, items=[("tea-500", 3)], delivery=PICKUP)
    pay(shop, order_id)
    assert shop.accounts.points_of(member_id).balance == 0  # nothing at payment
    shop.orders.mark_ready_for_pickup(order_id)
    shop.orders.record_pickup(order_id)
    clock.advance(days=8)
    assert shop.orders.complete_order(order_id)
    assert shop.accounts.points_account(member_id).balance == 135  # ¥135 paid, 1 point per ¥1

    shop.orders.refund_by_shop(order_id, reason="quality complaint")
    refund_notified(shop, order_id)

    assert shop.accounts.points_account(member_id).balance == 0
    assert shop.accounts.member(member_id).level == "regular"


def test_the_level_rises_exactly_at_the_threshold_and_drops_on_refund(
    shop: Shop, member_id: UUID
) -> None:
    shop.catalogue.restock("tea-250", 100)
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-250", 40)], delivery=PICKUP
    )
    assert shop.orders.order(order_id).price.payable_fen == 100_000

    pay(shop, order_id)
    assert shop.accounts.member(member_id).level == "vip"

    shop.orders.request_refund(order_id, member_id=member_id, reason="wrong size")
    shop.orders.approve_refund(order_id)
    refund_notified(shop, order_id)
    assert shop.accounts.member(member_id).level == "regular"
    topics = [type(e).__name__ for e in shop.store.events.get(member_id)]
    assert topics.count("LevelChanged") == 2


def test_the_welcome_coupon_comes_with_registration(shop: Shop) -> None:
    define(shop, code="welcome", trigger="first_login")

    member_id, registered = shop.logins.log_in(openid="o-new", unionid=None, scene=None, query={})
    shop.logins.log_in(openid="o-new", unionid=None, scene=None, query={})

    assert registered
    assert len(wallet(shop, member_id).usable_coupons(shop.clock.now())) == 1


def test_closing_the_account_shreds_the_key_and_closes_everything(
    shop: Shop, member_id: UUID
) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-250", 1)], delivery=EXPRESS, address=ADDRESS
    )
    sealed = shop.orders.order(order_id).delivery.sealed_address

    shop.members.close_account(member_id)
    shop.members.close_account(member_id)  # twice is harmless

    assert shop.ports.vault.open_json(member_id, sealed) is None  # type: ignore[attr-defined]
    member = shop.store.repository.get(member_id)
    assert isinstance(member, Member) and member.closed
    with pytest.raises(AccountClosed):
        shop.loyalty.check_in(member_id)
    order = shop.store.repository.get(order_id)
    assert isinstance(order, Order) and order.price.payable_fen == 3500


def test_a_closed_member_logging_in_again_starts_afresh(shop: Shop, member_id: UUID) -> None:
    shop.members.close_account(member_id)

    again, registered = shop.logins.log_in(openid="o-alice", unionid=None, scene=None, query={})

    assert registered and again != member_id  # a new member: see test_account_deletion.py
    assert shop.loyalty.check_in(again) == 5
    with pytest.raises(AccountClosed):
        shop.loyalty.check_in(member_id)


def test_the_birthday_coupon_is_given_once_on_the_day(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    define(shop, code="birthday-vip", trigger="birthday", limit=0)
    shop.catalogue.restock("tea-250", 100)
    pay(
        shop, shop.orders.place_order(member_id=member_id, items=[("tea-250", 40)], delivery=PICKUP)
    )
    shop.members.update_profile(member_id, birthday="1990-11-02")

    assert not shop.coupons.give_birthday_coupon(member_id)  # 1 Nov in Beijing
    clock.advance(days=1)
    assert shop.coupons.give_birthday_coupon(member_id)
    assert not shop.coupons.give_birthday_coupon(member_id)
    clock.advance(days=365)
    assert shop.coupons.give_birthday_coupon(member_id)
    assert (
        wallet(shop, member_id).has_from_template(shop.coupons.coupon_template("birthday-vip").id)
        == 2
    )


def test_a_busy_member_loads_from_a_snapshot_with_the_same_state(
    shop: Shop, member_id: UUID
) -> None:
    shop.catalogue.restock("tea-250", 100)
    for n in range(55):
        order_id = shop.orders.place_order(
            member_id=member_id, items=[("tea-250", 1)], delivery=PICKUP
        )
        pay(shop, order_id, transaction_id=f"t-{n}")
    shop.orders.request_refund(order_id, member_id=member_id, reason="wrong size")
    shop.orders.approve_refund(order_id)
    refund_notified(shop, order_id)

    assert shop.store.snapshots is not None
    assert list(shop.store.snapshots.get(member_id))  # taken every 50 events
    loaded = shop.accounts.member(member_id)
    replayed: Member | None = None
    for stored in shop.store.events.get(member_id):
        replayed = stored.mutate(replayed)
    assert replayed is not None
    now = shop.clock.now()
    # 40 orders at 2500 reach VIP; 15 more at 95折 (2375); the last is refunded
    assert loaded.spend_within_year(now) == replayed.spend_within_year(now) == 133_250
    assert (loaded.level, dict(loaded.reversed_spend)) == (replayed.level, replayed.reversed_spend)
