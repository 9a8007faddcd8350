"""The member's spend over the rolling year (member.py): each paid order's
amount counts while it was paid at > now - SPEND_WINDOW; the level follows
that sum, and spend older than the window ages out."""

from __future__ import annotations

from datetime import datetime, timedelta

SPEND_WINDOW = timedelta(days=365)

Spend = dict[str, tuple[int, datetime]]
"""Order id -> (amount in fen, paid at)."""


def spend_within_year(spend: Spend, now: datetime) -> int:
    since = now - SPEND_WINDOW
    return sum(amount for amount, at in spend.values() if at > since)


def aged_out(spend: Spend, now: datetime) -> list[str]:
    """The order ids whose spend the window left behind by `now`, sorted."""
    since = now - SPEND_WINDOW
    return sorted(order_id for order_id, (_, at) in spend.items() if at <= since)
