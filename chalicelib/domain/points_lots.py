"""Which of a points account's lots (points.py) points come from: spending and
claw-backs take from the lots in turn, never from a lot past its expiry; the
expiry run lapses what is left of the lots expired by then."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from .points_policy import Lot


def spendable(lots: Iterable[Lot], now: datetime) -> list[Lot]:
    """The lots with points left and not past their expiry, the first to expire
    first (the sort is stable: earned order breaks ties)."""
    live = [lot for lot in lots if lot.remaining and now < lot.expires_at]
    return sorted(live, key=lambda lot: lot.expires_at)


def take_in_turn(lots: Iterable[Lot], points: int) -> dict[str, int]:
    """Up to `points` from what is left of `lots`, each emptied before the next."""
    taken: dict[str, int] = {}
    for lot in lots:
        if points == 0:
            break
        n = min(lot.remaining, points)
        if n:
            taken[lot.lot_id] = n
            points -= n
    return taken


def lapsed_by(lots: Iterable[Lot], now: datetime) -> dict[str, int]:
    """What is left of every lot expired by `now`, per lot."""
    return {lot.lot_id: lot.remaining for lot in lots if lot.remaining and lot.expires_at <= now}
