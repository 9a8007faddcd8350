"""Beijing calendar days: check-ins, birthdays and expiry dates are counted in
China Standard Time (UTC+8, no daylight saving), whatever the server's zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


def beijing_date(moment: datetime) -> date:
    return moment.astimezone(BEIJING).date()


def beijing_day(moment: datetime) -> str:
    """The Beijing day as `YYYY-MM-DD`, as read models key their days."""
    return beijing_date(moment).isoformat()


def start_of_beijing_day(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=BEIJING)


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 29th-31st fall back to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")
