"""The member's birthday rules (member.py), checked in clear before the
birthday is recorded sealed: a real past or today's Beijing day written
"YYYY-MM-DD", set once; setting the same day again is no change."""

from __future__ import annotations

import re
from datetime import date

from .errors import BirthdayAlreadySet, DomainError

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_birthday(birthday: str, today: date) -> None:
    """DomainError unless `birthday` is a day written YYYY-MM-DD, no later
    than `today` (Beijing)."""
    if not ISO_DAY.fullmatch(birthday):
        raise DomainError("a birthday is a day written YYYY-MM-DD", birthday=birthday)
    try:
        day = date.fromisoformat(birthday)
    except ValueError:
        raise DomainError("no such day", birthday=birthday) from None
    if day > today:
        raise DomainError("a birthday cannot be in the future", birthday=birthday)


def birthday_is_new(birthday: str, recorded: str | None, has_birthday: bool) -> bool:
    """True when no birthday is set; False when `birthday` is the one set
    (`recorded`, in clear); BirthdayAlreadySet when another one is."""
    if not has_birthday:
        return True
    if recorded == birthday:
        return False
    raise BirthdayAlreadySet("the birthday is already set and cannot be changed", birthday=recorded)
