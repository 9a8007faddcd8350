"""How a quote answers: the priced lines, the breakdown, its `quote_id`, and the
offers at checkout (coupons with what each saves, the best, the most points
usable, the gaps to free shipping and to the next 满减)."""

from __future__ import annotations

from typing import Any

from ..application.checkout import Checkout
from ..domain.offers import CheckoutOffers
from ..projections.base import plain


def offers_doc(offers: CheckoutOffers) -> dict[str, Any]:
    coupons = [
        {
            "coupon_id": o.coupon_id,
            "template": o.template,
            "title": o.title,
            "kind": o.kind,
            "expires_at": plain(o.expires_at),
            "saves_fen": o.saves_fen,
            "applicable": o.applicable,
            "reason_if_not": o.reason_if_not,
        }
        for o in offers.coupons
    ]
    return {
        "coupons": coupons,
        "best_coupon_id": offers.best_coupon_id,
        "max_points_usable": offers.max_points_usable,
        "max_points_value_fen": offers.max_points_value_fen,
        "free_shipping_gap_fen": offers.free_shipping_gap_fen,
        "next_threshold": plain(offers.next_threshold),
    }


def quote_doc(checkout: Checkout, offers: CheckoutOffers) -> dict[str, Any]:
    lines = [dict(plain(line), total_fen=line.total_fen) for line in checkout.lines]
    return {
        "quote_id": checkout.quote_id,
        "lines": lines,
        "price": plain(checkout.price),
        "offers": offers_doc(offers),
    }
