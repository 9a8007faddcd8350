"""The daily figures an operator runs the shop by: what each counts (one
sentence each, as every analytics answer states them), and the figures
derived from the counted ones. Money is integer fen; days are Beijing days."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

DAY_COUNTS = (
    "visits",
    "new_members",
    "active_members",
    "orders_placed",
    "orders_paid",
    "payers",
    "paid_fen",
    "late_paid_fen",
    "refunds",
    "refunded_fen",
    "converted",
)
"""What the analytics projection counts per Beijing day."""

SOURCE_COUNTS = (
    "visits",
    "new_members",
    "orders_placed",
    "orders_paid",
    "payers",
    "paid_fen",
    "late_paid_fen",
    "refunds",
    "refunded_fen",
    "converted",
)
"""What it counts per Beijing day and source."""

DERIVED = ("gmv_fen", "average_order_value_fen", "conversion")

DEFINITIONS: Mapping[str, str] = {
    "day": "A Beijing calendar day (UTC+8), from 00:00 to 24:00.",
    "visits": (
        "Entries into the mini-program that day (today: logins, the registering one included)."
    ),
    "new_members": (
        "Members who registered that day (a login after closing an account registers anew)."
    ),
    "active_members": "Members who logged in that day, each counted once a day.",
    "orders_placed": "Orders placed that day.",
    "orders_paid": "Orders whose WeChat Pay payment was recorded that day.",
    "payers": "Members who paid at least one order that day, each counted once a day.",
    "paid_fen": "Money paid for orders that day, in fen.",
    "late_paid_fen": (
        "Money paid that day for orders already closed (refunded automatically), in fen."
    ),
    "refunds": "Refunds WeChat Pay confirmed that day.",
    "refunded_fen": "Money refunded that day, in fen.",
    "gmv_fen": (
        "paid_fen + late_paid_fen - refunded_fen: money received minus money returned "
        "that day, in fen."
    ),
    "average_order_value_fen": (
        "paid_fen / orders_paid, rounded down to the fen (0 without paid orders)."
    ),
    "converted": (
        "Members who registered that day and paid an order within 7 days of registering."
    ),
    "conversion": (
        "converted / new_members, to 4 decimals (null without new members); "
        "still rising for the last 7 days."
    ),
    "source": (
        "Where a visit came from (README, 'Operate by the numbers'). Visits count by their "
        "own source; new members and conversion by the member's acquisition source (the "
        "visit they registered on); orders and money by the order's last-touch source (the "
        "member's last visit within 24 hours before placing it, else 'direct')."
    ),
    "label": "The operator's name for the source, else its default name.",
    "totals": "Sums of the days' figures; active_members and payers there are member-days.",
    "sources": (
        "Per source, the figures of the range's days summed (payers there are member-days), "
        "most visits first; `days` has them per day."
    ),
}


def derived(counts: Mapping[str, int]) -> dict[str, Any]:
    """The counted figures (0 where absent) with the derived ones."""
    figures: dict[str, Any] = {name: int(counts.get(name, 0)) for name in counts}
    paid, orders = int(counts.get("paid_fen", 0)), int(counts.get("orders_paid", 0))
    late, refunded = int(counts.get("late_paid_fen", 0)), int(counts.get("refunded_fen", 0))
    new, converted = int(counts.get("new_members", 0)), int(counts.get("converted", 0))
    figures["gmv_fen"] = paid + late - refunded
    figures["average_order_value_fen"] = paid // orders if orders > 0 else 0
    figures["conversion"] = round(converted / new, 4) if new > 0 else None
    return figures


def summed(rows: Iterable[Mapping[str, int]], names: Iterable[str]) -> dict[str, int]:
    """The counted figures of several rows, added up."""
    names = tuple(names)
    total = dict.fromkeys(names, 0)
    for row in rows:
        for name in names:
            total[name] += int(row.get(name, 0))
    return total
