"""The acquisition funnel's answer: the pre-aggregated documents of the days
in the range (one per day and source, projections/funnel.py), summed for the
window asked, overall and per source. A range of N days reads those
documents, a page at a time (analytics_queries.source_days): never a
person's document, never raw events."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..domain import funnel
from . import analytics_queries
from .base import ViewReader
from .funnel import COHORTS, FunnelProjection

PROJECTION = FunnelProjection.name


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
    for doc in analytics_queries.source_days(
        views, start.isoformat(), end.isoformat(), PROJECTION, COHORTS
    ):
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
