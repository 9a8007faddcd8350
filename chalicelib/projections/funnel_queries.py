"""The acquisition funnel's answer: the pre-aggregated documents of the days
in the range (one per day and source, projections/funnel.py), summed for the
window asked, overall and per source. A range of N days reads those
documents, a page at a time: never a person's document, never raw events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ..domain import funnel
from .base import Doc, ViewReader
from .funnel import COHORTS, FunnelProjection, cohort_rank

PROJECTION = FunnelProjection.name
PAGE = 500


class WindowOutOfRange(ValueError):
    """A window of more days than the counts keep (funnel.MAX_WINDOW_DAYS)."""


def acquisition_funnel(
    views: ViewReader, start: date, end: date, window_days: int = funnel.DEFAULT_WINDOW_DAYS
) -> dict[str, Any]:
    """The funnel of the people first seen from `start` to `end` (Beijing days,
    both included), each step reached within `window_days` of the first visit."""
    if not 0 <= window_days <= funnel.MAX_WINDOW_DAYS:
        raise WindowOutOfRange(f"window_days: 0 to {funnel.MAX_WINDOW_DAYS}")
    by_source: dict[str, list[dict[str, int]]] = {}
    for doc in _cohorts(views, start.isoformat(), end.isoformat()):
        by_source.setdefault(doc["source"], []).append(funnel.within(doc, window_days))
    sources = {source: funnel.summed(parts) for source, parts in by_source.items()}
    overall = funnel.summed(list(sources.values()))
    return {
        "definitions": dict(funnel.DEFINITIONS),
        "from": start.isoformat(),
        "to": end.isoformat(),
        "window_days": window_days,
        "steps": funnel.steps(overall),
        "sources": [
            {"source": source, "steps": funnel.steps(counts)}
            for source, counts in sorted(
                sources.items(), key=lambda kv: (-kv[1]["first_visit"], kv[0])
            )
        ],
    }


def _cohorts(views: ViewReader, start: str, end: str) -> Iterator[Doc]:
    """The day-and-source documents of the range, newest first, a page at a time."""
    upto = cohort_rank(end, "~")  # "~" sorts after every source key
    while True:
        page = views.query(
            PROJECTION, COHORTS, COHORTS, rank_upto=upto, descending=True, limit=PAGE
        )
        fresh = [doc for doc in page if cohort_rank(doc["day"], doc["source"]) != upto]
        for doc in fresh:
            if doc["day"] < start:
                return
            yield doc
        if len(page) < PAGE or not fresh:
            return
        upto = cohort_rank(fresh[-1]["day"], fresh[-1]["source"])
