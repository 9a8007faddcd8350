"""Member levels (会员等级): what a member's paid spend over the last 365 days earns.

A level is reached when that spend is at least its threshold; the first level's
threshold is 0, so every member has one. The shop may redefine its levels; the
LevelScheme aggregate keeps the current list, and `DEFAULT_LEVELS` stand until
it is first defined.
"""

from __future__ import annotations

import re
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from .errors import DomainError
from .ids import LEVEL_SCHEME_ID
from .values import Level

DEFAULT_LEVELS: list[Level] = [
    Level(code="regular", name="普通", threshold_fen=0),
    Level(
        code="vip",
        name="VIP",
        threshold_fen=100_000,
        discount_percent=95,
        points_multiplier_percent=150,
        birthday_coupon="birthday-vip",
    ),
    Level(
        code="supreme",
        name="至尊",
        threshold_fen=500_000,
        discount_percent=90,
        points_multiplier_percent=200,
        birthday_coupon="birthday-supreme",
        free_shipping_from_fen=1,
    ),
]

LEVEL_CODE = re.compile(r"[a-z0-9_-]{1,20}")


def level_for(levels: list[Level], spend_fen: int) -> Level:
    """The level with the highest threshold the spend reaches (the first level at least)."""
    reached = [level for level in levels if level.threshold_fen <= spend_fen]
    return max(reached, key=lambda level: level.threshold_fen, default=levels[0])


def next_level(levels: list[Level], level_code: str) -> Level | None:
    """The level above `level_code`; None at the top or for a code not in `levels`."""
    codes = [level.code for level in levels]
    if level_code not in codes:
        return None
    index = codes.index(level_code) + 1
    return levels[index] if index < len(levels) else None


def validate_levels(levels: list[Level]) -> None:
    """At least one level; the first at threshold 0; thresholds strictly increasing;
    unique codes of [a-z0-9_-]{1,20}; a name; discount 1..100%; points multiplier
    0..1000%; free-shipping threshold >= 0 (0 = the shop's default)."""
    if not levels:
        raise DomainError("define at least one level")
    if levels[0].threshold_fen != 0:
        raise DomainError(
            "the first level must have threshold 0", threshold_fen=levels[0].threshold_fen
        )
    seen: set[str] = set()
    for previous, level in zip([None, *levels], levels, strict=False):
        if not LEVEL_CODE.fullmatch(level.code):
            raise DomainError("a level code is 1 to 20 of a-z, 0-9, _ and -", level=level.code)
        if level.code in seen:
            raise DomainError(f"level code {level.code} is used twice", level=level.code)
        seen.add(level.code)
        if not level.name.strip():
            raise DomainError(f"level {level.code} needs a name", level=level.code)
        if previous is not None and level.threshold_fen <= previous.threshold_fen:
            raise DomainError(
                f"level {level.code} must need more spend than {previous.code}",
                level=level.code,
                threshold_fen=level.threshold_fen,
            )
        if not 1 <= level.discount_percent <= 100:
            raise DomainError(
                f"level {level.code}: discount_percent must be 1 to 100",
                level=level.code,
                discount_percent=level.discount_percent,
            )
        if not 0 <= level.points_multiplier_percent <= 1000:
            raise DomainError(
                f"level {level.code}: points_multiplier_percent must be 0 to 1000",
                level=level.code,
                points_multiplier_percent=level.points_multiplier_percent,
            )
        if level.free_shipping_from_fen < 0:
            raise DomainError(
                f"level {level.code}: free_shipping_from_fen cannot be negative",
                level=level.code,
                free_shipping_from_fen=level.free_shipping_from_fen,
            )


class LevelScheme(Aggregate):
    """The shop's one list of levels, lowest first."""

    @staticmethod
    def create_id() -> UUID:
        return LEVEL_SCHEME_ID

    class Defined(Aggregate.Created):
        levels: list[Level]
        at: datetime

    @event(Defined)
    def __init__(self, levels: list[Level], at: datetime) -> None:
        validate_levels(levels)
        self.levels = list(levels)
        self.changed_at = at

    def redefine(self, levels: list[Level], at: datetime) -> bool:
        """Returns False (no event) when the levels are the same as now."""
        validate_levels(levels)
        if list(levels) == self.levels:
            return False
        self._redefined(levels=list(levels), at=at)
        return True

    class Redefined(Aggregate.Event):
        levels: list[Level]
        at: datetime

    @event(Redefined)
    def _redefined(self, levels: list[Level], at: datetime) -> None:
        self.levels = list(levels)
        self.changed_at = at


def scheme_levels(scheme: LevelScheme | None) -> list[Level]:
    """The scheme's levels, or the defaults before the shop defines any."""
    return list(DEFAULT_LEVELS if scheme is None else scheme.levels)
