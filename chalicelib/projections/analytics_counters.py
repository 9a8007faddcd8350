"""The analytics read model's views and counters (projections/analytics.py
says what each document holds): a day's counts, a day and source's, a
registration cohort's, each read, added to and written back in one call."""

from __future__ import annotations

from datetime import date

from ..domain.retention import DAY_COUNTERS, REPURCHASE_COUNTERS, WEEK_COUNTERS, week_of
from ..domain.shop_metrics import DAY_COUNTS, SOURCE_COUNTS
from .base import Doc, ViewWriter, day_source_rank

DAYS = "days"
SOURCE_DAYS = "source_days"
MEMBERS = "members"
ORDERS = "orders"
LABELS = "labels"
RETENTION_DAYS = "retention_days"
RETENTION_WEEKS = "retention_weeks"
MAX_SOURCES_PER_DAY = 200


def group_of(source: str) -> str:
    return source.partition(":")[0]


def day_doc(views: ViewWriter, day: str) -> Doc:
    return views.get(DAYS, day) or {"day": day, "sources": 0, **dict.fromkeys(DAY_COUNTS, 0)}


def count_day(views: ViewWriter, day: str, **deltas: int) -> None:
    doc = day_doc(views, day)
    for name, delta in deltas.items():
        doc[name] += delta
    views.put(DAYS, day, doc, group=DAYS, rank=day)


def source_key(views: ViewWriter, day: str, source: str) -> str:
    """The source `source` is counted under on `day`: itself, or its group
    once the day has MAX_SOURCES_PER_DAY sources and this one is not among them."""
    if source == group_of(source) or views.get(SOURCE_DAYS, day_source_rank(day, source)):
        return source
    return source if day_doc(views, day)["sources"] < MAX_SOURCES_PER_DAY else group_of(source)


def count_source(views: ViewWriter, day: str, source: str, **deltas: int) -> None:
    """Adds to the counts of `source` (as `source_key` gave it) on `day`."""
    rank = day_source_rank(day, source)
    doc = views.get(SOURCE_DAYS, rank)
    if doc is None:
        doc = {"day": day, "source": source, **dict.fromkeys(SOURCE_COUNTS, 0)}
        count_day(views, day, sources=1)
    for name, delta in deltas.items():
        doc[name] += delta
    views.put(SOURCE_DAYS, rank, doc, group=SOURCE_DAYS, rank=rank)


def count(views: ViewWriter, day: str, source: str, **deltas: int) -> str:
    """Adds to the day's counts and to its source's; returns the source's key."""
    key = source_key(views, day, source)
    count_day(views, day, **deltas)
    count_source(views, day, key, **deltas)
    return key


def count_cohort(views: ViewWriter, view: str, cohort: str, **deltas: int) -> None:
    """Adds to the counts of a registration (or first-payment) cohort."""
    names = DAY_COUNTERS if view == RETENTION_DAYS else WEEK_COUNTERS
    doc = views.get(view, cohort) or {
        "cohort": cohort,
        **dict.fromkeys((*names, *REPURCHASE_COUNTERS), 0),
    }
    for name, delta in deltas.items():
        doc[name] += delta
    views.put(view, cohort, doc, group=view, rank=cohort)


def week_of_day(day: str) -> str:
    return week_of(date.fromisoformat(day)).isoformat()
