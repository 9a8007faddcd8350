"""The lot arithmetic of giving redeemed points back (points.py), part by part
as an order's after-sales requests are refunded (after_sale.py) or whole.

A refunded part gives back its share of the order's redemption
(apportion.points_back), once per after-sales request, into the lots the
redemption came from, the last taken first (the ones that expire latest). A
lot since expired takes its points back too, as with a whole restoration;
the next expiry run lapses them. Whatever the parts gave back, a whole
restoration gives only the rest.
"""

from __future__ import annotations


def not_back_yet(taken: dict[str, int], back: dict[str, int]) -> dict[str, int]:
    """What of a redemption (`taken`, points per lot) the refunded parts did not
    give back (`back`, points per lot), per lot, leaving out the lots that have
    all theirs back."""
    left = {lot_id: n - back.get(lot_id, 0) for lot_id, n in taken.items()}
    return {lot_id: n for lot_id, n in left.items() if n}


def take_last_first(lots: dict[str, int], points: int) -> dict[str, int]:
    """Up to `points` from `lots` (points per lot, in the order they were taken),
    the last lot first; nothing when `points` is not positive."""
    taken: dict[str, int] = {}
    for lot_id, n in reversed(lots.items()):
        if points <= 0:
            break
        taken[lot_id] = min(n, points)
        points -= taken[lot_id]
    return taken
