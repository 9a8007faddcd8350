"""Real threads racing for a member's benefits, on both runtimes: a coupon locks
for one order only, points never go below zero, and a template never issues more
than its total quantity or a member's limit."""

from __future__ import annotations

from uuid import UUID

from chalicelib.bootstrap import Container
from chalicelib.clock import FixedClock
from chalicelib.domain.catalogue import Stock
from chalicelib.domain.coupons import CouponTemplate, CouponWallet
from chalicelib.domain.errors import (
    CouponLimitReached,
    CouponsExhausted,
    CouponUnavailable,
    InsufficientPoints,
)
from chalicelib.domain.ids import points_account_id_for, stock_id_for, wallet_id_for
from chalicelib.domain.points import PointsAccount
from chalicelib.domain.values import Coupon, CouponTerms, Delivery, SkuSpec
from chalicelib.projections import queries
from tests.support.races import race, split
from tests.support.runtimes import Running

PICKUP = Delivery(method="pickup", store_id="s1")
TEA_FEN, GIFT_FEN = 6800, 50_000


def log_in(c: Container, n: int, prefix: str = "o") -> list[UUID]:
    return [
        c.shop.logins.log_in(openid=f"{prefix}{i}", unionid=None, scene=None, query={})[0]
        for i in range(n)
    ]


def list_goods(c: Container, tea: int, gift: int = 0) -> None:
    c.shop.catalogue.list_product(
        slug="tea",
        title="Tea",
        category="tea",
        description="",
        image_url="",
        skus=[(SkuSpec("TEA", "50g", TEA_FEN), tea), (SkuSpec("GIFT", "gift box", GIFT_FEN), gift)],
    )


def define(c: Container, code: str, *, total: int = 0, limit: int = 1) -> None:
    c.shop.coupons.define_coupon_template(
        code=code,
        title="减10元",
        terms=CouponTerms(kind="no_threshold", amount_fen=1000),
        trigger="claim",
        starts_at=None,
        ends_at=None,
        valid_days=7,
        total_quantity=total,
        per_member_limit=limit,
    )


def stock_of(c: Container, sku_id: str) -> tuple[Stock, list[str]]:
    """The SKU's stock and the types of every event stored for it."""
    stock = c.shop.store.repository.get(stock_id_for(sku_id))
    assert isinstance(stock, Stock)
    return stock, [type(e).__name__ for e in c.shop.store.events.get(stock_id_for(sku_id))]


def wallet_of(c: Container, member_id: UUID) -> CouponWallet | None:
    if wallet_id_for(member_id) not in c.shop.store.repository:
        return None
    wallet = c.shop.store.repository.get(wallet_id_for(member_id))
    assert isinstance(wallet, CouponWallet)
    return wallet


def orders_placed(c: Container) -> int:
    log = c.shop.store.recorder.select_notifications(start=None, limit=10_000)
    return sum(1 for n in log if n.topic.endswith("Order.Placed"))


def earn_500_points(c: Container, clock: FixedClock, member_id: UUID) -> None:
    """A ¥500 gift box bought, paid, picked up and completed past the after-sales
    window: 500 points at the regular level's 1 point per ¥1."""
    order_id = c.shop.orders.place_order(member_id=member_id, items=[("GIFT", 1)], delivery=PICKUP)
    order = c.shop.orders.order(order_id)
    assert order.price.payable_fen == GIFT_FEN
    assert c.shop.payments.record_payment(
        out_trade_no=order.out_trade_no,
        transaction_id="4200000500",
        amount_fen=GIFT_FEN,
        paid_at=clock.now(),
    )
    c.shop.orders.mark_ready_for_pickup(order_id)
    c.shop.orders.record_pickup(order_id)
    clock.advance(days=8)
    assert c.shop.orders.complete_order(order_id)


def test_five_orders_racing_for_one_coupon_lock_it_once(running: Running) -> None:
    c = running.container
    list_goods(c, tea=10)
    define(c, "c10")
    (member,) = log_in(c, 1)
    coupon = c.shop.coupons.claim_coupon(member, "c10")

    outcomes = race(
        5,
        lambda _: c.shop.orders.place_order(
            member_id=member, items=[("TEA", 1)], delivery=PICKUP, coupon_id=coupon.coupon_id
        ),
    )

    won, lost = split(outcomes)
    assert len(won) == 1, outcomes
    assert all(isinstance(e, CouponUnavailable) for e in lost), lost
    (order_id,) = won
    assert c.shop.orders.order(order_id).price.coupon_id == coupon.coupon_id
    assert c.shop.orders.order(order_id).price.payable_fen == TEA_FEN - 1000
    wallet = wallet_of(c, member)
    assert wallet is not None and wallet.status_of(coupon.coupon_id) == "locked"
    assert wallet.coupons[coupon.coupon_id].order_id == str(order_id)
    locks = [e for e in c.shop.store.events.get(wallet.id) if type(e).__name__ == "Locked"]
    assert len(locks) == 1
    stock, events = stock_of(c, "TEA")
    assert stock.available == 10 - 1
    assert events == ["Stocked", "Reserved"]  # one reservation, for the one order placed
    running.settle()  # the AWS runtime indexes the notification log asynchronously
    assert orders_placed(c) == 1
    assert [o["id"] for o in queries.member_orders(c.views, member)] == [str(order_id)]


def test_twenty_orders_redeeming_100_points_from_500_spend_exactly_500(
    running: Running, clock: FixedClock
) -> None:
    c = running.container
    list_goods(c, tea=20, gift=1)
    (member,) = log_in(c, 1)
    earn_500_points(c, clock, member)
    assert c.shop.accounts.points_account(member).balance == 500

    outcomes = race(
        20,
        lambda _: c.shop.orders.place_order(
            member_id=member, items=[("TEA", 1)], delivery=PICKUP, points=100
        ),
    )

    won, lost = split(outcomes)
    assert len(won) == 5, outcomes
    assert all(isinstance(e, InsufficientPoints) for e in lost), lost
    assert all(c.shop.orders.order(o).price.points_used == 100 for o in won)
    account = c.shop.accounts.points_account(member)
    assert account.balance == 0 and account.available(clock.now()) == 0
    events = list(c.shop.store.events.get(points_account_id_for(member)))
    assert [type(e).__name__ for e in events] == ["Opened", "Earned"] + ["Redeemed"] * 5
    opened, earned, *redeemed = events
    assert isinstance(opened, PointsAccount.Opened) and opened.balance_after == 0
    assert isinstance(earned, PointsAccount.Earned) and earned.balance_after == 500
    assert all(isinstance(e, PointsAccount.Redeemed) and e.points == 100 for e in redeemed)
    balances = [e.balance_after for e in redeemed if isinstance(e, PointsAccount.Redeemed)]
    assert balances == [400, 300, 200, 100, 0]  # one at a time, never below zero
    spent_by = {e.order_id for e in redeemed if isinstance(e, PointsAccount.Redeemed)}
    assert spent_by == {str(o) for o in won}
    stock, stock_events = stock_of(c, "TEA")
    assert stock.available == 20 - 5
    assert stock_events == ["Stocked"] + ["Reserved"] * 5
    running.settle()
    assert orders_placed(c) == 1 + 5
    assert len(queries.member_orders(c.views, member)) == 1 + 5


def test_a_hundred_members_claiming_thirty_coupons_get_thirty(running: Running) -> None:
    c = running.container
    define(c, "flash", total=30)
    members = log_in(c, 100)

    outcomes = race(100, lambda i: c.shop.coupons.claim_coupon(members[i], "flash"))

    won, lost = split(outcomes)
    assert len(won) == 30, [type(o).__name__ for o in outcomes]
    assert all(isinstance(e, CouponsExhausted) for e in lost), {type(e).__name__ for e in lost}
    assert len({coupon.coupon_id for coupon in won}) == 30
    template = c.shop.coupons.coupon_template("flash")
    assert template.issued == 30 and template.remaining == 0
    issued = [
        e for e in c.shop.store.events.get(template.id) if isinstance(e, CouponTemplate.Issued)
    ]
    assert len(issued) == 30
    held = {m: wallet_of(c, m) for m in members}
    counts = [0 if w is None else w.has_from_template(template.id) for w in held.values()]
    assert counts.count(1) == 30 and counts.count(0) == 70
    winners = {m for m, o in zip(members, outcomes, strict=True) if isinstance(o, Coupon)}
    assert {m for m, w in held.items() if w and w.has_from_template(template.id)} == winners
    assert {str(e.member_id) for e in issued} == {str(m) for m in winners}


def test_ten_claims_by_one_member_stop_at_the_limit_of_two(running: Running) -> None:
    c = running.container
    define(c, "twice", limit=2)
    (member,) = log_in(c, 1)

    outcomes = race(10, lambda _: c.shop.coupons.claim_coupon(member, "twice"))

    won, lost = split(outcomes)
    assert len(won) == 2, outcomes
    assert all(isinstance(e, CouponLimitReached) for e in lost), lost
    template = c.shop.coupons.coupon_template("twice")
    assert template.issued == 2
    wallet = wallet_of(c, member)
    assert wallet is not None and wallet.has_from_template(template.id) == 2
    assert sorted(wallet.coupons) == sorted(coupon.coupon_id for coupon in won)
