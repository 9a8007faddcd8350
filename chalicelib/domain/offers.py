"""Offers at checkout, worked out by the one pricing function (pricing.py): what
each coupon the member holds would save on these lines, which one is best, the
most points usable, and how far the goods are from free shipping and from the
nearest 满减 threshold the member could still reach.

What a coupon saves is the payable amount without any coupon minus the payable
amount with it (both without points), so a coupon that takes the goods below
the free-shipping threshold is credited with its discount less the shipping fee
it brings back. The best coupon saves the most; ties go to the one expiring
first, then to the smaller coupon id. A coupon that saves nothing is never
picked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .points_policy import PointsPolicy
from .pricing import (
    CouponNotApplicable,
    ShippingPolicy,
    free_shipping_from,
    max_redeemable_points,
    points_value_fen,
    price_checkout,
)
from .values import Coupon, Level, OrderLine, PriceBreakdown


@dataclass(frozen=True)
class PricingRules:
    """What prices a cart besides its lines: the member's level, how the goods
    travel, and the shop's shipping and points rules."""

    level: Level
    pickup: bool
    shipping: ShippingPolicy
    points_policy: PointsPolicy

    def price(
        self, lines: list[OrderLine], coupon: Coupon | None = None, points: int = 0
    ) -> PriceBreakdown:
        return price_checkout(
            lines,
            pickup=self.pickup,
            level=self.level,
            shipping=self.shipping,
            points_policy=self.points_policy,
            coupon=coupon,
            points=points,
        )


@dataclass(frozen=True)
class CouponOffer:
    coupon_id: str
    template: str
    title: str
    kind: str
    expires_at: datetime
    saves_fen: int
    applicable: bool
    reason_if_not: str | None
    short_fen: int | None  # a 满减 not reached yet: how much more eligible goods it needs
    amount_fen: int


@dataclass(frozen=True)
class NextThreshold:
    coupon_id: str
    title: str
    short_fen: int
    saves_fen: int


@dataclass(frozen=True)
class CheckoutOffers:
    coupons: list[CouponOffer]
    best_coupon_id: str | None
    max_points_usable: int
    max_points_value_fen: int
    free_shipping_gap_fen: int
    next_threshold: NextThreshold | None


def coupon_offers(
    coupons: list[Coupon], lines: list[OrderLine], rules: PricingRules
) -> list[CouponOffer]:
    """Every coupon, applicable ones first, best first (see the module docstring)."""
    without = rules.price(lines).payable_fen
    offers = [_offer(coupon, lines, rules, without) for coupon in coupons]
    return sorted(offers, key=lambda o: (not o.applicable, -o.saves_fen, o.expires_at, o.coupon_id))


def best_coupon(offers: list[CouponOffer]) -> str | None:
    """The coupon saving the most (offers as coupon_offers sorts them), or None."""
    return next((o.coupon_id for o in offers if o.applicable and o.saves_fen > 0), None)


def _offer(
    coupon: Coupon, lines: list[OrderLine], rules: PricingRules, without_fen: int
) -> CouponOffer:
    terms = coupon.terms
    saves, reason, short = 0, None, None
    try:
        saves = without_fen - rules.price(lines, coupon).payable_fen
    except CouponNotApplicable as refused:
        reason = refused.message
        short_fen = refused.details.get("short_fen")
        short = short_fen if isinstance(short_fen, int) else None
    return CouponOffer(
        coupon_id=coupon.coupon_id,
        template=coupon.template_id,
        title=coupon.title,
        kind=terms.kind,
        expires_at=coupon.expires_at,
        saves_fen=saves,
        applicable=reason is None,
        reason_if_not=reason,
        short_fen=short,
        amount_fen=terms.amount_fen,
    )


def next_threshold(offers: list[CouponOffer]) -> NextThreshold | None:
    """The 满减 the goods are nearest to reaching (ties: the bigger saving, then
    the smaller coupon id); coupons with nothing in scope are not counted."""
    short = [o for o in offers if o.kind == "threshold" and o.short_fen is not None]
    if not short:
        return None
    nearest = min(short, key=lambda o: (o.short_fen, -o.amount_fen, o.coupon_id))
    assert nearest.short_fen is not None
    return NextThreshold(nearest.coupon_id, nearest.title, nearest.short_fen, nearest.amount_fen)


def checkout_offers(
    offers: list[CouponOffer],
    price: PriceBreakdown,
    rules: PricingRules,
    points_available: int,
) -> CheckoutOffers:
    """The offers for lines priced as `price` (with whatever coupon it applied)."""
    goods = price.items_fen - price.member_discount_fen - price.coupon_discount_fen
    most = min(max_redeemable_points(goods, rules.points_policy), max(points_available, 0))
    free_from = free_shipping_from(rules.level, rules.shipping)
    gap = 0 if rules.pickup else max(free_from - goods, 0)
    return CheckoutOffers(
        coupons=offers,
        best_coupon_id=best_coupon(offers),
        max_points_usable=most,
        max_points_value_fen=points_value_fen(most, rules.points_policy),
        free_shipping_gap_fen=gap,
        next_threshold=next_threshold(offers),
    )
