"""Redeemed points given back part by part, as an order's after-sales requests
are refunded (after_sale.py), for the points account (points.py).

A refunded part gives back its share of the order's redemption
(apportion.points_back), once per after-sales request, into the lots the
redemption came from, the last taken first (the ones that expire latest). A
lot since expired takes its points back too, as with a whole restoration;
the next expiry run lapses them. Whatever the parts gave back, a whole
restoration (`PointsAccount.restore_redemption`) gives only the rest.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from .errors import AccountClosed
from .points_policy import Lot


class PartRestores(Aggregate):
    """The part of the points account that gives redemptions back by part; the
    account (points.py) sets these attributes up when opened or reopened. Its
    event is recorded as `PartRestores.RedemptionPartRestored`: match on that
    (eventsourcing also derives a `PointsAccount.RedemptionPartRestored` that
    is never recorded)."""

    lots: dict[str, Lot]
    redemptions: dict[str, dict[str, int]]  # order id -> points taken per lot
    restored: set[str]  # order ids restored whole
    parts_back: dict[str, dict[str, int]]  # order id -> points given back per lot
    parts_restored: set[str]  # after-sales request ids
    closed: bool

    def redeemed_for(self, order_id: UUID) -> int:
        """The points an order spent (0: none, or not on this account)."""
        return sum(self.redemptions.get(str(order_id), {}).values())

    def _not_back_yet(self, key: str) -> dict[str, int]:
        """What of an order's redemption no refunded part gave back, per lot."""
        back = self.parts_back.get(key, {})
        left = {lot_id: n - back.get(lot_id, 0) for lot_id, n in self.redemptions[key].items()}
        return {lot_id: n for lot_id, n in left.items() if n}

    def restore_part(self, order_id: UUID, after_sale_id: UUID, points: int, at: datetime) -> bool:
        """Gives back `points` of the order's redemption with one refunded part.
        Returns False when there is nothing to give or the part gave already."""
        if self.closed:
            raise AccountClosed("the points account is closed")
        key, part = str(order_id), str(after_sale_id)
        if key not in self.redemptions or key in self.restored or part in self.parts_restored:
            return False
        taken: dict[str, int] = {}
        wanted = points
        for lot_id, n in reversed(self._not_back_yet(key).items()):
            if wanted <= 0:
                break
            taken[lot_id] = min(n, wanted)
            wanted -= taken[lot_id]
        if not taken:
            return False
        back = sum(taken.values())
        self._redemption_part_restored(
            order_id=key,
            after_sale_id=part,
            points=back,
            taken=taken,
            at=at,
            balance_after=sum(lot.remaining for lot in self.lots.values()) + back,
        )
        return True

    class RedemptionPartRestored(Aggregate.Event):
        order_id: str
        after_sale_id: str
        points: int
        taken: dict[str, int]
        at: datetime
        balance_after: int

    @event(RedemptionPartRestored)
    def _redemption_part_restored(
        self,
        order_id: str,
        after_sale_id: str,
        points: int,
        taken: dict[str, int],
        at: datetime,
        balance_after: int,
    ) -> None:
        back = self.parts_back.setdefault(order_id, {})
        for lot_id, n in taken.items():
            self.lots[lot_id].remaining += n
            back[lot_id] = back.get(lot_id, 0) + n
        self.parts_restored.add(after_sale_id)
