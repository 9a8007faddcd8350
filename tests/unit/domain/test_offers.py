"""Offers at checkout without I/O: what each coupon saves, the best one and how
ties break, the most points usable, the gap to free shipping and the next 满减."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.domain.levels import DEFAULT_LEVELS
from chalicelib.domain.offers import (
    PricingRules,
    best_coupon,
    checkout_offers,
    coupon_offers,
    next_threshold,
)
from chalicelib.domain.points_policy import PointsPolicy
from chalicelib.domain.pricing import ShippingPolicy
from chalicelib.domain.values import Coupon, CouponTerms, OrderLine

NOW = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
REGULAR = DEFAULT_LEVELS[0]
EXPRESS = PricingRules(REGULAR, False, ShippingPolicy(1000, 9900), PointsPolicy())


def lines_worth(*totals: int) -> list[OrderLine]:
    return [OrderLine(f"p{i}", f"S{i}", "t", total, 1, "tea") for i, total in enumerate(totals)]


def coupon(coupon_id: str, terms: CouponTerms, days: int = 7) -> Coupon:
    return Coupon(coupon_id, f"tpl-{coupon_id}", coupon_id, terms, NOW, NOW + timedelta(days=days))


def threshold(amount: int, over: int) -> CouponTerms:
    return CouponTerms(kind="threshold", amount_fen=amount, threshold_fen=over)


def test_each_coupon_says_what_it_saves_or_why_not_and_the_best_is_first() -> None:
    offers = coupon_offers(
        [
            coupon("c-10", CouponTerms(kind="no_threshold", amount_fen=1000)),
            coupon("c-30", threshold(3000, 20000)),
            coupon("c-20", threshold(2000, 12000)),
            coupon(
                "c-cat",
                CouponTerms(
                    kind="no_threshold", amount_fen=500, scope="category", scope_ids=["cups"]
                ),
            ),
        ],
        lines_worth(15000),
        EXPRESS,
    )
    assert [(o.coupon_id, o.saves_fen, o.applicable) for o in offers] == [
        ("c-20", 2000, True),
        ("c-10", 1000, True),
        ("c-30", 0, False),
        ("c-cat", 0, False),
    ]
    assert offers[2].reason_if_not is not None and "20000" in offers[2].reason_if_not
    assert best_coupon(offers) == "c-20"
    nearest = next_threshold(offers)
    assert nearest is not None
    assert (nearest.coupon_id, nearest.short_fen, nearest.saves_fen) == ("c-30", 5000, 3000)


def test_a_coupon_that_brings_shipping_back_is_credited_net_of_the_fee() -> None:
    # 100 元 ships free; 10 元 off leaves 90 元, which pays 10 元 shipping.
    (offer,) = coupon_offers(
        [coupon("c-10", CouponTerms(kind="no_threshold", amount_fen=1000))],
        lines_worth(10000),
        EXPRESS,
    )
    assert (offer.saves_fen, offer.applicable) == (0, True)
    assert best_coupon([offer]) is None


def test_ties_go_to_the_coupon_expiring_first_then_the_smaller_id() -> None:
    ten = CouponTerms(kind="no_threshold", amount_fen=1000)
    offers = coupon_offers(
        [coupon("b", ten, days=3), coupon("a", ten, days=9), coupon("c", ten, days=3)],
        lines_worth(20000),
        EXPRESS,
    )
    assert [o.coupon_id for o in offers] == ["b", "c", "a"]
    assert best_coupon(offers) == "b"


def test_points_usable_gap_to_free_shipping_and_pickup() -> None:
    lines = lines_worth(6000)
    price = EXPRESS.price(lines)
    offers = checkout_offers([], price, EXPRESS, points_available=10_000)
    assert (offers.max_points_usable, offers.max_points_value_fen) == (3000, 3000)
    assert offers.free_shipping_gap_fen == 3900 and offers.next_threshold is None
    few = checkout_offers([], price, EXPRESS, points_available=120)
    assert (few.max_points_usable, few.max_points_value_fen) == (120, 120)
    pickup = PricingRules(REGULAR, True, EXPRESS.shipping, EXPRESS.points_policy)
    assert checkout_offers([], pickup.price(lines), pickup, 0).free_shipping_gap_fen == 0


def test_the_nearest_threshold_ties_to_the_bigger_saving() -> None:
    offers = coupon_offers(
        [coupon("x", threshold(500, 8000)), coupon("y", threshold(900, 8000))],
        lines_worth(5000),
        EXPRESS,
    )
    nearest = next_threshold(offers)
    assert nearest is not None and (nearest.coupon_id, nearest.short_fen) == ("y", 3000)
