"""The `from` / `to` range of the analytics answers, for a blueprint's request:
Beijing days `YYYY-MM-DD`, inclusive, at most MAX_DAYS days, by default the
DEFAULT_DAYS days up to today; a bad day, `from` after `to` or a longer range
is a 400 naming the field."""

from __future__ import annotations

from datetime import date, timedelta

from chalice.app import Blueprint

from ..application.errors import InvalidInput
from ..bootstrap import container
from ..domain.calendar import beijing_date
from .analytics_admin import DEFAULT_DAYS, MAX_DAYS
from .inputs import query_param
from .schemas import plausible_day


def _day(bp: Blueprint, name: str) -> date | None:
    text = query_param(bp, name)
    try:
        return None if text is None else plausible_day(text)
    except ValueError as error:
        raise InvalidInput(name, str(error)) from None


def day_range(bp: Blueprint) -> tuple[date, date]:
    end = _day(bp, "to") or beijing_date(container().now())
    start = _day(bp, "from") or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise InvalidInput("from", "a day on or before `to`")
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput("to", f"at most {MAX_DAYS} days after `from` (inclusive)")
    return start, end
