"""Checkout pricing: one pure function, the same for the quote and the order.

The steps, in this order:

1. line totals: unit price x quantity, per line;
2. member discount: the member's level price (e.g. 95折), per line;
3. coupon: on the lines in its scope, after the member discount
   (满减 needs its threshold on those lines; 折扣 is capped; 无门槛 takes its amount);
4. points: at most `max_redeem_percent` of what is left (100 points = ¥1 by default);
5. shipping: free for store pickup, or when the goods after member discount and
   coupon (points are a way to pay, not a discount) reach the free-shipping
   threshold — the level's own threshold when it has one, else the shop's.

Rounding: amounts are integer fen. A percentage discount is computed per line
and rounded to the nearest fen, halves up; points turn into whole fen only (the
most a request may use is rounded down). No step takes more than what is left.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from .coupon_terms import eligible_lines
from .errors import DomainError
from .points_policy import PointsPolicy
from .values import Coupon, Level, OrderLine, PriceBreakdown


@dataclass(frozen=True)
class ShippingPolicy:
    fee_fen: int = 1000
    free_from_fen: int = 9900


class CouponNotApplicable(DomainError):
    code = "coupon_not_applicable"


class PointsOverLimit(DomainError):
    code = "points_over_limit"


def percent_off(amount_fen: int, pay_percent: int) -> int:
    """What paying `pay_percent` of `amount_fen` takes off, to the nearest fen (halves up)."""
    return (amount_fen * (100 - pay_percent) * 2 + 100) // 200


def coupon_discount(coupon: Coupon, lines: list[OrderLine], member_off: dict[str, int]) -> int:
    """The coupon's discount on its eligible lines, after their member discount."""
    terms = coupon.terms
    eligible = eligible_lines(terms, lines)
    base = sum(line.total_fen - member_off[line.sku_id] for line in eligible)
    if base <= 0:
        raise CouponNotApplicable(
            f"{coupon.title}: nothing in this cart is in its scope", coupon_id=coupon.coupon_id
        )
    if terms.kind == "threshold" and base < terms.threshold_fen:
        raise CouponNotApplicable(
            f"{coupon.title}: needs {terms.threshold_fen} fen of eligible goods",
            coupon_id=coupon.coupon_id,
            eligible_fen=base,
            short_fen=terms.threshold_fen - base,
        )
    if terms.kind == "discount":
        off = percent_off(base, terms.rate_percent)
        return min(off, terms.cap_fen) if terms.cap_fen else off
    return min(terms.amount_fen, base)


def points_value_fen(points: int, policy: PointsPolicy) -> int:
    return points * 100 // policy.points_per_yuan


def max_redeemable_points(amount_fen: int, policy: PointsPolicy) -> int:
    """The most points an order may use on `amount_fen` (left after discounts)."""
    most_fen = amount_fen * policy.max_redeem_percent // 100
    return most_fen * policy.points_per_yuan // 100


def free_shipping_from(level: Level, shipping: ShippingPolicy) -> int:
    """The goods amount that ships free: the level's own threshold, else the shop's."""
    return level.free_shipping_from_fen or shipping.free_from_fen


def price_checkout(
    lines: list[OrderLine],
    *,
    pickup: bool,
    level: Level,
    shipping: ShippingPolicy,
    points_policy: PointsPolicy,
    coupon: Coupon | None = None,
    points: int = 0,
) -> PriceBreakdown:
    items = sum(line.total_fen for line in lines)
    pay_percent = level.discount_percent
    member_off = {line.sku_id: percent_off(line.total_fen, pay_percent) for line in lines}
    member = sum(member_off.values())
    coupon_off = coupon_discount(coupon, lines, member_off) if coupon else 0
    goods = items - member - coupon_off
    most = max_redeemable_points(goods, points_policy)
    if points > most:
        raise PointsOverLimit(
            f"at most {most} points can be used on this order",
            max_points=most,
            requested=points,
        )
    points_fen = points_value_fen(points, points_policy)
    points_used = points_fen * points_policy.points_per_yuan // 100
    free_from = free_shipping_from(level, shipping)
    shipping_fen = 0 if pickup or goods >= free_from else shipping.fee_fen
    return PriceBreakdown(
        items_fen=items,
        discount_fen=member + coupon_off + points_fen,
        shipping_fen=shipping_fen,
        payable_fen=goods - points_fen + shipping_fen,
        member_discount_fen=member,
        coupon_discount_fen=coupon_off,
        points_used=points_used,
        points_discount_fen=points_fen,
        level=level.code,
        coupon_id=coupon.coupon_id if coupon else None,
    )


def quote_id(lines: list[OrderLine], price: PriceBreakdown) -> str:
    """A digest of what a quote showed: an order placed with it is refused when
    pricing the same cart now gives anything else (prices, coupon, points, level)."""
    shown = {"lines": [asdict(line) for line in lines], "price": asdict(price)}
    digest = hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()
    return digest[:24]
