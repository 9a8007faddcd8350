"""A SKU's price over time: the price in effect when the operator last decided,
plus the changes scheduled after that. Pure functions, shared by the Product
aggregate, the catalogue read model and its queries, so all three give the same
price at the same time without a timer job.

The rules:

- a change takes effect at its `effective_at` (the moment it was decided, when
  no later time was given), by the clock;
- a new change drops the pending ones at or after its own `effective_at` (a
  later decision supersedes what was planned from then on) and keeps earlier ones;
- when a change is decided, the pending changes whose time has come are folded
  into the base price, so the schedule holds only what is still to come.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PriceChange:
    effective_at: datetime
    price_fen: int


@dataclass(frozen=True)
class PricePlan:
    """The base price and the changes still to come, oldest first."""

    base_fen: int
    pending: tuple[PriceChange, ...] = ()

    def price_at(self, moment: datetime) -> int:
        price = self.base_fen
        for change in self.pending:
            if change.effective_at <= moment:
                price = change.price_fen
        return price

    def upcoming(self, moment: datetime) -> tuple[PriceChange, ...]:
        return tuple(c for c in self.pending if c.effective_at > moment)

    def decide(self, change: PriceChange, decided_at: datetime) -> PricePlan:
        """The plan after a change decided at `decided_at`."""
        base = self.price_at(decided_at)
        kept = [c for c in self.upcoming(decided_at) if c.effective_at < change.effective_at]
        if change.effective_at <= decided_at:
            return PricePlan(change.price_fen, tuple(kept))
        return PricePlan(base, (*kept, change))


def plan_of(base_fen: int, pending: Sequence[tuple[str, int]]) -> PricePlan:
    """A plan from its stored form: ISO times with their zone and prices."""
    changes = tuple(PriceChange(datetime.fromisoformat(at), fen) for at, fen in pending)
    return PricePlan(base_fen, changes)


def stored(plan: PricePlan) -> list[list[object]]:
    """The pending changes as the read model stores them: [[ISO time, fen], ...]."""
    return [[c.effective_at.isoformat(), c.price_fen] for c in plan.pending]
