"""Read-model queries of the analytics answers: a range of Beijing days read
from the pre-aggregated documents (one per day, one per day and source), with
the derived figures and the definitions they follow; and the same as CSV rows.

A range of N days reads at most N day documents, and the day-and-source
documents of those days plus at most one page more: never raw events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from ..domain import retention as cohorts
from ..domain.attribution import parse_source_key
from ..domain.shop_metrics import DAY_COUNTS, DEFINITIONS, DERIVED, SOURCE_COUNTS, derived, summed
from ..domain.source_labels import MAX_LABELS
from .analytics import AnalyticsProjection
from .analytics_counters import DAYS, LABELS, RETENTION_DAYS, RETENTION_WEEKS, SOURCE_DAYS
from .base import Doc, ViewReader, day_source_rank

PROJECTION = AnalyticsProjection.name
PAGE = 500
OVERVIEW_COLUMNS = ("day", *DAY_COUNTS, *DERIVED)
SOURCE_COLUMNS = ("day", "source", "label", *SOURCE_COUNTS, *DERIVED)


def days_between(start: date, end: date) -> list[str]:
    return [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]


def definitions(*names: str) -> dict[str, str]:
    return {name: DEFINITIONS[name] for name in names if name in DEFINITIONS}


def overview(views: ViewReader, start: date, end: date) -> dict[str, Any]:
    """Every day of the range (zero where nothing happened), and the totals."""
    days = days_between(start, end)
    found = views.query(
        PROJECTION, DAYS, DAYS, rank_upto=days[-1], descending=True, limit=len(days)
    )
    by_day = {doc["day"]: doc for doc in found if doc["day"] >= days[0]}
    counts = [{name: by_day.get(day, {}).get(name, 0) for name in DAY_COUNTS} for day in days]
    return {
        "definitions": definitions(*OVERVIEW_COLUMNS, "totals"),
        "from": days[0],
        "to": days[-1],
        "days": [{"day": day, **derived(c)} for day, c in zip(days, counts, strict=True)],
        "totals": derived(summed(counts, DAY_COUNTS)),
    }


def retention(
    views: ViewReader, start: date, end: date, cohort: str, today: date
) -> dict[str, Any]:
    """Every day cohort of the range, or every week cohort whose week holds a
    day of it (one document each; zeros where nobody registered), with null
    for the days or weeks after registration not arrived by `today`."""
    if cohort == "day":
        starts = [date.fromisoformat(day) for day in days_between(start, end)]
        view = RETENTION_DAYS
    else:
        first, last = cohorts.week_of(start), cohorts.week_of(end)
        starts = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
        view = RETENTION_WEEKS
    keys = [s.isoformat() for s in starts]
    found = views.query(
        PROJECTION, view, view, rank_upto=keys[-1], descending=True, limit=len(keys)
    )
    by_key = {doc["cohort"]: doc for doc in found if doc["cohort"] >= keys[0]}
    columns = retention_columns(cohort)
    return {
        "definitions": {
            name: text
            for name, text in cohorts.DEFINITIONS.items()
            if name in columns or name.removesuffix("N") + "1" in columns  # active_dN: active_d1
        },
        "from": start.isoformat(),
        "to": end.isoformat(),
        "cohort": cohort,
        "today": today.isoformat(),
        "cohorts": [
            cohorts.cohort_figures(s, cohort, by_key.get(key, {}), today)
            for s, key in zip(starts, keys, strict=True)
        ],
    }


def retention_columns(cohort: str) -> tuple[str, ...]:
    return cohorts.columns(cohort)


def source_days(
    views: ViewReader, start: str, end: str, projection: str = PROJECTION, view: str = SOURCE_DAYS
) -> Iterator[Doc]:
    """The day-and-source documents of the range, newest day first, read a
    page at a time from the end of the range until a day before its start
    (the analytics projection's, or another's kept the same way)."""
    upto = day_source_rank(end, "~")  # "~" sorts after every source key
    while True:
        page = views.query(projection, view, view, rank_upto=upto, descending=True, limit=PAGE)
        fresh = [doc for doc in page if day_source_rank(doc["day"], doc["source"]) != upto]
        for doc in fresh:
            if doc["day"] < start:
                return
            yield doc
        if len(page) < PAGE or not fresh:
            return
        upto = day_source_rank(fresh[-1]["day"], fresh[-1]["source"])


def labels(views: ViewReader) -> dict[str, str]:
    """The operators' labels, by source key."""
    docs = views.query(PROJECTION, LABELS, LABELS, limit=MAX_LABELS)
    return {doc["source"]: doc["label"] for doc in docs}


def label_of(source: str, named: dict[str, str]) -> str:
    if source in named:
        return named[source]
    try:
        return parse_source_key(source).label
    except ValueError:  # a key of an earlier version: shown as it is
        return source


def sources(views: ViewReader, start: date, end: date) -> dict[str, Any]:
    """Per source over the range (most visits first), and per day and source."""
    days = days_between(start, end)
    named = labels(views)
    rows = sorted(source_days(views, days[0], days[-1]), key=lambda d: (d["day"], d["source"]))
    by_source: dict[str, list[Doc]] = {}
    for row in rows:
        by_source.setdefault(row["source"], []).append(row)
    totals = [
        {"source": source, "label": label_of(source, named), **derived(summed(docs, SOURCE_COUNTS))}
        for source, docs in by_source.items()
    ]
    totals.sort(key=lambda t: (-t["visits"], -t["new_members"], t["source"]))
    return {
        "definitions": definitions(*SOURCE_COLUMNS, "sources"),
        "from": days[0],
        "to": days[-1],
        "sources": totals,
        "days": [
            {
                "day": row["day"],
                "source": row["source"],
                "label": label_of(row["source"], named),
                **derived({name: row.get(name, 0) for name in SOURCE_COUNTS}),
            }
            for row in rows
        ],
    }


def label_list(views: ViewReader) -> dict[str, Any]:
    """The labelled sources, each with its default label beside the operator's."""
    named = labels(views)
    return {
        "items": [
            {"source": source, "label": label, "default_label": label_of(source, {})}
            for source, label in sorted(named.items())
        ]
    }
