"""Retention rules without I/O: the week of a Beijing day, the day and week
offsets a visit counts for, the 30-day repurchase window, and a cohort's row
with null for what has not arrived yet."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from chalicelib.domain.retention import (
    cohort_figures,
    columns,
    day_offset,
    repurchases,
    week_of,
    week_offset,
)

SUNDAY, MONDAY = date(2026, 11, 1), date(2026, 11, 2)


def test_a_week_is_named_by_its_monday() -> None:
    assert week_of(MONDAY) == MONDAY
    assert week_of(MONDAY + timedelta(days=6)) == MONDAY
    assert week_of(SUNDAY) == date(2026, 10, 26)
    assert week_of(date(2027, 1, 1)) == date(2026, 12, 28)  # across the year


def test_only_days_1_3_7_14_30_after_registering_count() -> None:
    counted = {n: day_offset(SUNDAY, SUNDAY + timedelta(days=n)) for n in range(-1, 32)}
    assert {n: o for n, o in counted.items() if o is not None} == {
        1: 1,
        3: 3,
        7: 7,
        14: 14,
        30: 30,
    }


def test_weeks_count_from_the_registration_week_by_calendar_week() -> None:
    assert week_offset(SUNDAY, MONDAY) == 1  # the next day is already the next week
    assert week_offset(MONDAY, MONDAY + timedelta(days=6)) is None  # the same week
    assert week_offset(MONDAY, MONDAY + timedelta(days=7)) == 1
    assert week_offset(MONDAY, MONDAY + timedelta(days=8 * 7 + 6)) == 8
    assert week_offset(MONDAY, MONDAY + timedelta(days=9 * 7)) is None
    assert week_offset(MONDAY, MONDAY - timedelta(days=1)) is None


def test_a_repurchase_is_a_later_payment_within_30_days() -> None:
    first = datetime(2026, 11, 1, 10, tzinfo=UTC)
    assert repurchases(first, first + timedelta(days=30))
    assert repurchases(first, first + timedelta(seconds=1))
    assert not repurchases(first, first + timedelta(days=30, seconds=1))
    assert not repurchases(first, first)
    assert not repurchases(first, first - timedelta(hours=1))


def test_a_cohorts_row_is_null_where_its_day_has_not_arrived() -> None:
    counts = {"members": 4, "active_d1": 2, "active_d3": 1, "first_payers": 0}
    row = cohort_figures(SUNDAY, "day", counts, today=SUNDAY + timedelta(days=3))
    assert (row["members"], row["active_d1"], row["retention_d1"]) == (4, 2, 0.5)
    assert (row["active_d3"], row["retention_d3"]) == (1, 0.25)
    assert (row["active_d7"], row["retention_d7"], row["retention_d30"]) == (None, None, None)
    assert (row["first_payers"], row["repurchase"]) == (0, None)
    assert tuple(row) == columns("day")

    empty = cohort_figures(MONDAY, "week", {}, today=MONDAY + timedelta(days=7))
    assert (empty["members"], empty["active_w1"], empty["retention_w1"]) == (0, 0, None)
    assert empty["active_w2"] is None
    assert tuple(empty) == columns("week")
