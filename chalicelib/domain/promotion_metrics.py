"""What the promotion analytics count per Beijing day: a campaign's
participants, orders, payers and money (and the money per last-touch source),
and per coupon template what it issued, what was used and the money and
discount of the orders paid with it; the derived figures and the definitions
every answer states. The counting itself is projections/promotion_analytics.py."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .shop_metrics import summed

MONEY = ("paid_fen", "late_paid_fen", "refunds", "refunded_fen")
CAMPAIGN_COUNTS = ("participants", "orders_placed", "orders_paid", "payers", *MONEY)
"""What a campaign counts per Beijing day."""
CAMPAIGN_SOURCE_COUNTS = ("orders_paid", *MONEY)
"""What a campaign counts per Beijing day and last-touch source."""
COUPON_COUNTS = ("issued", "used", "returned", "orders_paid", *MONEY, "discount_fen")
"""What a coupon template counts per Beijing day."""

CAMPAIGN_DERIVED = ("gmv_fen", "average_order_value_fen", "payer_rate")
COUPON_DERIVED = ("gmv_fen", "average_order_value_fen", "use_rate", "discount_per_order_fen")

KIND_LABELS: Mapping[str, str] = {
    "threshold": "满减",
    "discount": "折扣",
    "no_threshold": "无门槛",
}
"""The coupon kinds (CouponTerms.kind) as the operators name them."""

DEFINITIONS: Mapping[str, str] = {
    "day": "A Beijing calendar day (UTC+8), from 00:00 to 24:00.",
    "participants": (
        "Members whose first order in the campaign was placed that day (each member counts "
        "once per campaign, on the day of their first order in it; the totals are the "
        "distinct members whose first order in it fell in the range)."
    ),
    "orders_placed": "Orders placed in the campaign (or with the coupon) that day.",
    "orders_paid": "Of those orders, the ones whose WeChat Pay payment was recorded that day.",
    "payers": (
        "Members whose first paid order in the campaign was paid that day (each member "
        "counts once per campaign)."
    ),
    "paid_fen": "Money paid for those orders that day, in fen.",
    "late_paid_fen": (
        "Money paid that day for those orders after they had closed (refunded "
        "automatically), in fen."
    ),
    "refunds": "Refunds of those orders WeChat Pay confirmed that day.",
    "refunded_fen": "Money of those refunds, in fen.",
    "gmv_fen": (
        "paid_fen + late_paid_fen - refunded_fen: money received minus money returned, in fen."
    ),
    "average_order_value_fen": (
        "paid_fen / orders_paid, rounded down to the fen (0 without paid orders)."
    ),
    "payer_rate": "payers / participants, to 4 decimals (null without participants).",
    "source": (
        "The last-touch source of a paid order: the member's last visit within 24 hours "
        "before placing it, else 'direct' (README, 'Operate by the numbers')."
    ),
    "sources": (
        "Per last-touch source, the campaign's paid orders and money over the range, "
        "most GMV first."
    ),
    "kind": "The coupon's kind: threshold (满减), discount (折扣) or no_threshold (无门槛).",
    "issued": "Coupons of the template issued (claimed or given) that day.",
    "used": "Coupons of the template used by a payment that day.",
    "returned": (
        "Coupons of the template given back that day after a refund of the order that used them."
    ),
    "discount_fen": "What the coupon took off the orders paid with it that day, in fen.",
    "use_rate": "used / issued, to 4 decimals (null without issued coupons).",
    "discount_per_order_fen": (
        "discount_fen / orders_paid, rounded down to the fen (0 without paid orders)."
    ),
    "by_kind": "The templates' figures summed per coupon kind: the 满减 vs 折扣 comparison.",
    "totals": "Sums of the days' figures.",
}


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole > 0 else None


def _money(figures: dict[str, Any]) -> None:
    paid, orders = figures.get("paid_fen", 0), figures.get("orders_paid", 0)
    late, refunded = figures.get("late_paid_fen", 0), figures.get("refunded_fen", 0)
    figures["gmv_fen"] = paid + late - refunded
    figures["average_order_value_fen"] = paid // orders if orders > 0 else 0


def campaign_figures(counts: Mapping[str, int]) -> dict[str, Any]:
    """A campaign's counts (0 where absent) with the derived figures."""
    figures: dict[str, Any] = {name: int(counts.get(name, 0)) for name in CAMPAIGN_COUNTS}
    _money(figures)
    figures["payer_rate"] = _ratio(figures["payers"], figures["participants"])
    return figures


def source_figures(counts: Mapping[str, int]) -> dict[str, Any]:
    """A campaign source's counts with its GMV and average order value."""
    figures: dict[str, Any] = {name: int(counts.get(name, 0)) for name in CAMPAIGN_SOURCE_COUNTS}
    _money(figures)
    return figures


def coupon_figures(counts: Mapping[str, int]) -> dict[str, Any]:
    """A coupon template's (or kind's) counts with the derived figures."""
    figures: dict[str, Any] = {name: int(counts.get(name, 0)) for name in COUPON_COUNTS}
    _money(figures)
    figures["use_rate"] = _ratio(figures["used"], figures["issued"])
    orders = figures["orders_paid"]
    figures["discount_per_order_fen"] = figures["discount_fen"] // orders if orders > 0 else 0
    return figures


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def by_kind(templates: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Templates' counts summed per coupon kind (every known kind, zeros where
    no template has it), with the derived figures and the number of templates."""
    grouped: dict[str, list[Mapping[str, Any]]] = {kind: [] for kind in KIND_LABELS}
    for template in templates:
        grouped.setdefault(str(template["kind"]), []).append(template)
    return [
        {
            "kind": kind,
            "kind_label": kind_label(kind),
            "templates": len(rows),
            **coupon_figures(summed(rows, COUPON_COUNTS)),
        }
        for kind, rows in grouped.items()
    ]
