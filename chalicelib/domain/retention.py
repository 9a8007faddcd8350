"""Retention and repurchase of registration cohorts: which day or week after
registering a visit counts for, whether a second payment is a repurchase, and
whether a cohort's day or week has arrived yet. Days are Beijing days; a week
is an ISO week, Monday to Sunday, named by its Monday."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

RETENTION_DAYS = (1, 3, 7, 14, 30)
"""The days after registration a day cohort's activity is counted on."""
RETENTION_WEEKS = tuple(range(1, 9))
"""The weeks after the registration week a week cohort's activity is counted in."""
REPURCHASE_WINDOW = timedelta(days=30)
COHORTS = ("day", "week")

DAY_COUNTERS = ("members", *(f"active_d{n}" for n in RETENTION_DAYS))
WEEK_COUNTERS = ("members", *(f"active_w{n}" for n in RETENTION_WEEKS))
REPURCHASE_COUNTERS = ("first_payers", "repurchasers")


def week_of(day: date) -> date:
    """The Monday of the ISO week of `day`."""
    return day - timedelta(days=day.weekday())


def day_offset(registered: date, day: date) -> int | None:
    """N if `day` is exactly N days after `registered` for N in RETENTION_DAYS, else None."""
    n = (day - registered).days
    return n if n in RETENTION_DAYS else None


def week_offset(registered: date, day: date) -> int | None:
    """N if `day` falls in the N-th week after the registration week (N in
    RETENTION_WEEKS), else None."""
    n = (week_of(day) - week_of(registered)).days // 7
    return n if n in RETENTION_WEEKS else None


def repurchases(first_paid_at: datetime, paid_at: datetime) -> bool:
    """A later payment is a repurchase if it falls within 30 days (720 hours)
    after the member's first payment."""
    return first_paid_at < paid_at <= first_paid_at + REPURCHASE_WINDOW


def offset_start(cohort_start: date, cohort: str, n: int) -> date:
    """The first day of the cohort's day N (day cohorts) or week N (week cohorts)."""
    return cohort_start + timedelta(days=n if cohort == "day" else 7 * n)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole > 0 else None


def cohort_figures(
    cohort_start: date, cohort: str, counts: Mapping[str, int], today: date
) -> dict[str, Any]:
    """One cohort's row: its counts, the shares derived from them, and null
    (count and share) for a day or week after registration not arrived by `today`."""
    members = int(counts.get("members", 0))
    row: dict[str, Any] = {"cohort": cohort_start.isoformat(), "members": members}
    prefix, offsets = ("d", RETENTION_DAYS) if cohort == "day" else ("w", RETENTION_WEEKS)
    for n in offsets:
        arrived = offset_start(cohort_start, cohort, n) <= today
        active = int(counts.get(f"active_{prefix}{n}", 0))
        row[f"active_{prefix}{n}"] = active if arrived else None
        row[f"retention_{prefix}{n}"] = _share(active, members) if arrived else None
    first, again = int(counts.get("first_payers", 0)), int(counts.get("repurchasers", 0))
    row |= {"first_payers": first, "repurchasers": again, "repurchase": _share(again, first)}
    return row


def columns(cohort: str) -> tuple[str, ...]:
    """The row's fields in order (each day's or week's count beside its share)."""
    prefix, offsets = ("d", RETENTION_DAYS) if cohort == "day" else ("w", RETENTION_WEEKS)
    pairs = tuple(
        name for n in offsets for name in (f"active_{prefix}{n}", f"retention_{prefix}{n}")
    )
    return ("cohort", "members", *pairs, *REPURCHASE_COUNTERS, "repurchase")


DEFINITIONS: Mapping[str, str] = {
    "cohort": (
        "The registration cohort: a Beijing day (cohort=day), or an ISO week Monday to "
        "Sunday named by its Monday (cohort=week), of the range's days."
    ),
    "members": (
        "Members who registered in the cohort (a login after closing an account registers "
        "anew); closing an account later keeps them counted."
    ),
    "active_dN": (
        "Members of the day cohort who logged in (visited) on the Beijing day exactly N "
        "days after their registration day, N in 1, 3, 7, 14, 30; null until that day "
        "has arrived (today's figure still rises)."
    ),
    "retention_dN": "active_dN / members, to 4 decimals (null without members or before day N).",
    "active_wN": (
        "Members of the week cohort who logged in at least once in the N-th ISO week after "
        "their registration week, N in 1-8; null until that week has begun (the current "
        "week's figure still rises)."
    ),
    "retention_wN": "active_wN / members, to 4 decimals (null without members or before week N).",
    "first_payers": (
        "Members whose first paid order (by payment time, Beijing day) fell in the cohort; "
        "each member once (a member who closed the account and came back counts anew)."
    ),
    "repurchasers": (
        "Of first_payers, members who paid another order within 30 days (720 hours) after "
        "that first payment; the last 30 days' cohorts still rise."
    ),
    "repurchase": "repurchasers / first_payers, to 4 decimals (null without first payers).",
}
