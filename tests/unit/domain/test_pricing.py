"""Checkout pricing: line totals -> member discount -> coupon -> points -> shipping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.levels import DEFAULT_LEVELS
from chalicelib.domain.points_policy import PointsPolicy
from chalicelib.domain.pricing import (
    CouponNotApplicable,
    PointsOverLimit,
    ShippingPolicy,
    percent_off,
    price_checkout,
    quote_id,
)
from chalicelib.domain.values import Coupon, CouponTerms, Level, OrderLine, PriceBreakdown

SHIPPING = ShippingPolicy(fee_fen=1000, free_from_fen=9900)
POINTS = PointsPolicy()
REGULAR, VIP, SUPREME = DEFAULT_LEVELS
NOW = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def lines_worth(*totals: int, category: str = "tea") -> list[OrderLine]:
    return [
        OrderLine(
            product_id=f"p{i}",
            sku_id=f"s{i}",
            title="t",
            unit_price_fen=t,
            quantity=1,
            category=category,
        )
        for i, t in enumerate(totals)
    ]


def coupon(**terms: object) -> Coupon:
    return Coupon(
        coupon_id="c-1",
        template_id="tpl",
        title="coupon",
        terms=CouponTerms(**terms),  # type: ignore[arg-type]
        valid_from=NOW,
        expires_at=NOW + timedelta(days=7),
    )


def price(lines: list[OrderLine], level: Level = REGULAR, **kw: object) -> PriceBreakdown:
    return price_checkout(
        lines,
        pickup=bool(kw.pop("pickup", False)),
        level=level,
        shipping=SHIPPING,
        points_policy=POINTS,
        **kw,  # type: ignore[arg-type]
    )


def test_line_totals_multiply_unit_price_by_quantity() -> None:
    line = OrderLine(product_id="p", sku_id="s", title="t", unit_price_fen=1250, quantity=3)

    assert line.total_fen == 3750


def test_below_the_threshold_express_pays_the_shipping_fee() -> None:
    assert price(lines_worth(4000, 5899)) == PriceBreakdown(
        items_fen=9899, discount_fen=0, shipping_fen=1000, payable_fen=10899, level="regular"
    )


def test_exactly_at_the_threshold_shipping_is_free() -> None:
    assert price(lines_worth(4000, 5900)).shipping_fen == 0


def test_store_pickup_never_pays_shipping() -> None:
    assert price(lines_worth(100), pickup=True).payable_fen == 100


def test_member_price_is_per_line_rounded_to_the_nearest_fen_halves_up() -> None:
    # 95折: 1990 -> 99.5 off -> 100; 1988 -> 99.4 off -> 99
    assert percent_off(1990, 95) == 100
    assert percent_off(1988, 95) == 99
    p = price(lines_worth(1990, 1988), level=VIP)
    assert p.member_discount_fen == 199
    assert p.payable_fen == 1990 + 1988 - 199 + 1000


def test_the_coupon_applies_after_the_member_discount() -> None:
    # 满 100 减 20: 10000 at 95折 is 9500, which misses the threshold of 10000
    full_reduction = coupon(kind="threshold", amount_fen=2000, threshold_fen=10000)

    with pytest.raises(CouponNotApplicable) as refused:
        price(lines_worth(10000), level=VIP, coupon=full_reduction)
    assert refused.value.details["short_fen"] == 500


def test_a_threshold_coupon_exactly_at_its_threshold_applies() -> None:
    p = price(
        lines_worth(10000),
        coupon=coupon(kind="threshold", amount_fen=2000, threshold_fen=10000),
    )

    assert (p.coupon_discount_fen, p.coupon_id) == (2000, "c-1")
    assert p.shipping_fen == 1000  # 8000 after the coupon is below free shipping
    assert p.payable_fen == 9000


def test_a_discount_coupon_is_capped() -> None:
    p = price(lines_worth(50000), coupon=coupon(kind="discount", rate_percent=80, cap_fen=5000))

    assert p.coupon_discount_fen == 5000


def test_a_no_threshold_coupon_never_takes_more_than_the_goods() -> None:
    p = price(lines_worth(300), coupon=coupon(kind="no_threshold", amount_fen=500), pickup=True)

    assert (p.coupon_discount_fen, p.payable_fen) == (300, 0)


def test_a_scoped_coupon_counts_only_the_lines_in_its_scope() -> None:
    lines = lines_worth(5000) + lines_worth(5000, category="cups")[0:1]
    lines[1] = OrderLine("p9", "s9", "cup", 5000, 1, category="cups")
    tea_only = coupon(kind="discount", rate_percent=50, scope="category", scope_ids=["tea"])

    assert price(lines, coupon=tea_only).coupon_discount_fen == 2500


def test_a_coupon_with_nothing_in_scope_is_refused() -> None:
    cups_only = coupon(kind="no_threshold", amount_fen=100, scope="category", scope_ids=["cups"])

    with pytest.raises(CouponNotApplicable):
        price(lines_worth(5000), coupon=cups_only)


def test_points_pay_at_most_half_of_what_is_left() -> None:
    p = price(lines_worth(10000), points=5000)

    assert (p.points_used, p.points_discount_fen) == (5000, 5000)
    assert p.shipping_fen == 0  # points pay; they do not lower the free-shipping amount
    assert p.payable_fen == 5000
    with pytest.raises(PointsOverLimit) as refused:
        price(lines_worth(10000), points=5001)
    assert refused.value.details["max_points"] == 5000


def test_every_step_in_its_documented_order() -> None:
    p = price(
        lines_worth(20000),
        level=VIP,
        coupon=coupon(kind="threshold", amount_fen=3000, threshold_fen=15000),
        points=1000,
    )

    assert p == PriceBreakdown(
        items_fen=20000,
        discount_fen=1000 + 3000 + 1000,
        shipping_fen=0,
        payable_fen=15000,
        member_discount_fen=1000,
        coupon_discount_fen=3000,
        points_used=1000,
        points_discount_fen=1000,
        level="vip",
        coupon_id="c-1",
    )


def test_a_level_can_ship_free_from_its_own_threshold() -> None:
    assert price(lines_worth(500), level=SUPREME).shipping_fen == 0


def test_the_quote_id_changes_with_anything_that_changes_the_price() -> None:
    lines = lines_worth(5000)
    first = quote_id(lines, price(lines))

    assert first == quote_id(lines, price(lines))
    assert first != quote_id(lines, price(lines, points=100))
    assert first != quote_id(lines_worth(5001), price(lines_worth(5001)))
