"""Daily check-in streaks of the points account (points.py): one check-in per
Beijing day; a check-in the day after the last one extends the streak, one
after a gap starts it again."""

from __future__ import annotations

from datetime import date, timedelta

from .errors import AlreadyCheckedIn


def streak_on(day: date, last_check_in: str | None, streak: int) -> int:
    """The streak a check-in on Beijing day `day` makes, after a streak of
    `streak` days ending on `last_check_in` ("YYYY-MM-DD", None: never).
    AlreadyCheckedIn when `day` is not after the last check-in."""
    last = date.fromisoformat(last_check_in) if last_check_in else None
    if last is not None and day <= last:
        raise AlreadyCheckedIn(f"already checked in on {last}", day=str(last))
    return streak + 1 if last == day - timedelta(days=1) else 1


def streak_alive(today: date, last_check_in: str | None, streak: int) -> int:
    """The streak still alive on Beijing day `today`: the last check-in was today
    or yesterday; 0 otherwise."""
    if last_check_in is None:
        return 0
    gap = today - date.fromisoformat(last_check_in)
    return streak if gap <= timedelta(days=1) else 0
