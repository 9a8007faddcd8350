"""The acquisition funnel's rules. Pure: no I/O.

A person is a member, or an install never linked to one (a login with an
install id links them, and the install's events are the member's from then on,
those before too). Their journey is the first time they reached each touch:

- `first_visit`: their first launch (a behaviour event), or their registration
  when it is earlier or they never reported a launch (a registration is an
  entry into the mini-program too); its source (domain/attribution.py) is the
  launch's, or the registering login's;
- `registered`, `product_view`, `order_placed`, `order_paid`: their
  registration, first product view, first order placed, first order paid.

The funnel counts the people whose first visit falls in the range, on the
Beijing day of that visit and under its source. A person reaches step k
within W days when every step up to k was reached at most W days after the
first visit: steps are in order, so each count is at most the one before. The
delay of a step is counted in whole days rounded up (a step 26 hours after the
first visit has a delay of 2 days and is within a window of 2 days, not 1); a
step reached before the first visit (an order from a device that never
reported a launch) has a delay of 0.

A person's contribution to the pre-aggregated counts is, per step, that
cumulative delay (capped: a delay beyond MAX_WINDOW_DAYS counts in no window);
when the journey changes, the old contribution is taken away and the new one
added, so the counts stay exact whatever order the events arrive in."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from .calendar import beijing_day

FIRST_VISIT = "first_visit"
REGISTERED = "registered"
PRODUCT_VIEW = "product_view"
ORDER_PLACED = "order_placed"
ORDER_PAID = "order_paid"
STEPS = (FIRST_VISIT, REGISTERED, PRODUCT_VIEW, ORDER_PLACED, ORDER_PAID)
LATER_STEPS = STEPS[1:]
MAX_WINDOW_DAYS = 30
DEFAULT_WINDOW_DAYS = 7
DAY = timedelta(days=1)
TOUCHES = ("launch", REGISTERED, PRODUCT_VIEW, ORDER_PLACED, ORDER_PAID)
"""What a journey keeps: the first launch, and the first time of each later step."""

DEFINITIONS = {
    FIRST_VISIT: "people (members, or installs never linked to a member) whose first visit "
    "(first launch, or registration when earlier or no launch was reported) falls in the range; "
    "an install's launches count as its member's once a login links them",
    REGISTERED: "of them, those who registered within the window after their first visit",
    PRODUCT_VIEW: "of them, those who also viewed a product within the window",
    ORDER_PLACED: "of them, those who also placed an order within the window",
    ORDER_PAID: "of them, those who also paid an order within the window",
    "window_days": "a step counts when it and every step before it were reached at most "
    "window_days days (whole days, rounded up) after the first visit",
    "conversion": "a step's count over the previous step's",
    "overall_conversion": "a step's count over the first visits",
    "source": "the source of the first visit (first launch, else the registering login)",
}


@dataclass(frozen=True)
class Touch:
    at: datetime
    source: str = ""


@dataclass(frozen=True)
class Journey:
    """The first time a person reached each touch (`launch`, and the later steps)."""

    launch: Touch | None = None
    registered: Touch | None = None
    product_view: Touch | None = None
    order_placed: Touch | None = None
    order_paid: Touch | None = None

    def reached(self, touch: str, at: datetime, source: str = "") -> Journey:
        """The journey with `touch` at `at`, if that is earlier than it had."""
        known: Touch | None = getattr(self, touch)
        if known is not None and known.at <= at:
            return self
        return replace(self, **{touch: Touch(at, source)})

    def merged(self, other: Journey) -> Journey:
        """The earliest of both journeys, touch by touch."""
        journey = self
        for touch in TOUCHES:
            found: Touch | None = getattr(other, touch)
            if found is not None:
                journey = journey.reached(touch, found.at, found.source)
        return journey

    def first_visit(self) -> Touch | None:
        visits = [t for t in (self.launch, self.registered) if t is not None]
        return min(visits, key=lambda t: t.at) if visits else None

    def as_doc(self) -> dict[str, Any]:
        found = {touch: getattr(self, touch) for touch in TOUCHES}
        return {
            touch: None if t is None else [t.at.isoformat(), t.source] for touch, t in found.items()
        }

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Journey:
        touches = {
            touch: Touch(datetime.fromisoformat(value[0]), str(value[1]))
            for touch in TOUCHES
            if (value := doc.get(touch)) is not None
        }
        return cls(**touches)


@dataclass(frozen=True)
class Contribution:
    """What a person adds to the counts: their first visit's Beijing day and
    source, and per later step its cumulative delay in days (None: not
    reached within MAX_WINDOW_DAYS)."""

    day: str
    source: str
    delays: tuple[int | None, ...]

    def as_doc(self) -> dict[str, Any]:
        return {"day": self.day, "source": self.source, "delays": list(self.delays)}

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Contribution:
        return cls(str(doc["day"]), str(doc["source"]), tuple(doc["delays"]))


def delay_days(start: datetime, at: datetime) -> int:
    """Whole days from `start` to `at`, rounded up; 0 when `at` is not later."""
    if at <= start:
        return 0
    return math.ceil((at - start) / DAY)


def contribution(journey: Journey) -> Contribution | None:
    """None for a journey without a first visit (nothing to count it under)."""
    visit = journey.first_visit()
    if visit is None:
        return None
    delays: list[int | None] = []
    worst = 0
    for step in LATER_STEPS:
        touch: Touch | None = getattr(journey, step)
        if touch is None or (delays and delays[-1] is None):
            delays.append(None)
            continue
        worst = max(worst, delay_days(visit.at, touch.at))
        delays.append(worst if worst <= MAX_WINDOW_DAYS else None)
    return Contribution(beijing_day(visit.at), visit.source, tuple(delays))


def empty_reached() -> dict[str, list[int]]:
    return {step: [0] * (MAX_WINDOW_DAYS + 1) for step in LATER_STEPS}


def add(counts: dict[str, Any], part: Contribution, sign: int) -> None:
    """Adds (sign 1) or takes away (sign -1) a person's contribution to the
    counts of their first visit's day and source: {"visitors", "reached":
    {step: [people whose cumulative delay is d, for d = 0..MAX_WINDOW_DAYS]}}."""
    counts["visitors"] += sign
    for step, delay in zip(LATER_STEPS, part.delays, strict=True):
        if delay is not None:
            counts["reached"][step][delay] += sign


def within(counts: Mapping[str, Any], window_days: int) -> dict[str, int]:
    """Each step's count within the window, from one document's counts."""
    found = {FIRST_VISIT: int(counts["visitors"])}
    for step in LATER_STEPS:
        found[step] = sum(counts["reached"][step][: window_days + 1])
    return found


def steps(counts: Mapping[str, int]) -> list[dict[str, Any]]:
    """The steps in order with their counts and conversions."""
    rows = []
    first = counts.get(FIRST_VISIT, 0)
    previous = first
    for step in STEPS:
        count = counts.get(step, 0)
        rows.append(
            {
                "step": step,
                "count": count,
                "conversion": _rate(count, previous) if step != FIRST_VISIT else None,
                "overall_conversion": _rate(count, first),
            }
        )
        previous = count
    return rows


def summed(parts: Sequence[Mapping[str, int]]) -> dict[str, int]:
    return {step: sum(part.get(step, 0) for part in parts) for step in STEPS}


def _rate(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0
