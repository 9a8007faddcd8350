"""Read-model queries of the behaviour metrics (projections/behaviour_metrics.py),
and how they join the analytics answers: the overview's days gain launches,
visitors, product viewers, checkout viewers, sharers, searches and the share
rate; the sources gain their launches and visitors; and the daily shopping
funnel puts the behaviour figures beside the order log's orders and payers
per day and source. Each reads pre-aggregated documents only: one per day,
one per day and source, one per day of search terms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from itertools import pairwise
from typing import Any

from ..domain import behaviour_metrics as metrics
from ..domain.shop_metrics import SOURCE_COUNTS, derived, summed
from . import analytics_queries
from .analytics_counters import DAYS as ANALYTICS_DAYS
from .base import Doc, ViewReader
from .behaviour_metrics import DAYS, SEARCHES, BehaviourMetricsProjection

PROJECTION = BehaviourMetricsProjection.name
OVERVIEW_COLUMNS = (*analytics_queries.OVERVIEW_COLUMNS, *metrics.DAY_COUNTS, *metrics.DERIVED)
SOURCE_COLUMNS = (*analytics_queries.SOURCE_COLUMNS, "launches", "visitors")
HOT_SEARCHES = 20
FUNNEL_STEPS = ("visitors", "product_viewers", "checkout_viewers", "orders", "payers")
FUNNEL_COLUMNS = ("day", "source", "label", *FUNNEL_STEPS)
ALL_SOURCES = "all"
FUNNEL_DEFINITIONS = {
    "daily": (
        "Per Beijing day, for all sources ('all') and per source: visitors -> "
        "product_viewers -> checkout_viewers (behaviour log, unique per visitor and day) "
        "-> orders (orders placed) -> payers (members who paid that day, each once), from "
        "the order log's analytics. Behaviour figures count under the source of the "
        "visitor's latest launch; orders and payers under the order's last-touch source."
    ),
    "conversion": (
        "Each step's figure over the previous step's, to 4 decimals (null when the previous "
        "step is 0); orders over checkout_viewers compares orders with people."
    ),
}


def _by_day(views: ViewReader, projection: str, view: str, days: list[str]) -> dict[str, Doc]:
    found = views.query(
        projection, view, view, rank_upto=days[-1], descending=True, limit=len(days)
    )
    return {doc["day"]: doc for doc in found if doc["day"] >= days[0]}


def _day_figures(doc: Mapping[str, Any] | None) -> dict[str, Any]:
    return metrics.with_rates(doc or {})


def overview(views: ViewReader, start: date, end: date) -> dict[str, Any]:
    """The analytics overview with each day's behaviour figures beside the
    order log's, the totals likewise, and the range's hot search terms."""
    answer = analytics_queries.overview(views, start, end)
    days = [row["day"] for row in answer["days"]]
    found = _by_day(views, PROJECTION, DAYS, days)
    counts = [found.get(day, {}) for day in days]
    for row, doc in zip(answer["days"], counts, strict=True):
        row.update(_day_figures(doc))
    answer["totals"].update(metrics.with_rates(summed(counts, metrics.DAY_COUNTS)))
    answer["hot_searches"] = hot_searches(views, days)
    answer["definitions"].update(
        {
            name: text
            for name, text in metrics.DEFINITIONS.items()
            if name in (*metrics.DAY_COUNTS, *metrics.DERIVED, "behaviour_totals", "hot_searches")
        }
    )
    return answer


def hot_searches(views: ViewReader, days: list[str]) -> list[dict[str, Any]]:
    """The range's most searched terms, most first (ties by term)."""
    totals: dict[str, int] = {}
    for doc in _by_day(views, PROJECTION, SEARCHES, days).values():
        for term, count in doc["terms"].items():
            totals[term] = totals.get(term, 0) + int(count)
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:HOT_SEARCHES]
    return [{"term": term, "searches": count} for term, count in ranked]


def _behaviour_rows(views: ViewReader, start: str, end: str) -> dict[tuple[str, str], Doc]:
    rows = analytics_queries.source_days(views, start, end, PROJECTION)
    return {(doc["day"], doc["source"]): doc for doc in rows}


def sources(views: ViewReader, start: date, end: date) -> dict[str, Any]:
    """The analytics sources with each source's launches and visitors (visitor-days
    in the totals); a source seen only in launches gets a row of its own."""
    answer = analytics_queries.sources(views, start, end)
    behaviour = _behaviour_rows(views, answer["from"], answer["to"])
    named = analytics_queries.labels(views)
    rows = {(row["day"], row["source"]): row for row in answer["days"]}
    for key in behaviour:
        if key not in rows:
            label = analytics_queries.label_of(key[1], named)
            rows[key] = {"day": key[0], "source": key[1], "label": label, **_zeros()}
    for (day, source), row in rows.items():
        doc = behaviour.get((day, source), {})
        row["launches"], row["visitors"] = int(doc.get("launches", 0)), int(doc.get("visitors", 0))
    answer["days"] = [rows[key] for key in sorted(rows)]
    totals = {row["source"]: row for row in answer["sources"]}
    for source in {source for _, source in rows} - set(totals):
        label = analytics_queries.label_of(source, named)
        totals[source] = {"source": source, "label": label, **_zeros()}
    for source, total in totals.items():
        mine = [row for row in answer["days"] if row["source"] == source]
        total["launches"] = sum(row["launches"] for row in mine)
        total["visitors"] = sum(row["visitors"] for row in mine)
    answer["sources"] = sorted(
        totals.values(),
        key=lambda t: (-t["visits"], -t["launches"], -t["new_members"], t["source"]),
    )
    answer["definitions"]["launches"] = metrics.DEFINITIONS["launches"]
    answer["definitions"]["visitors"] = metrics.DEFINITIONS["visitors"]
    answer["definitions"]["behaviour_source"] = metrics.DEFINITIONS["behaviour_source"]
    return answer


def _zeros() -> dict[str, Any]:
    return derived(dict.fromkeys(SOURCE_COUNTS, 0))


def _funnel_row(day: str, source: str, label: str, figures: Mapping[str, int]) -> dict[str, Any]:
    steps = {name: int(figures.get(name, 0)) for name in FUNNEL_STEPS}
    conversion = {
        f"{after}_per_{before}": metrics.rate(steps[after], steps[before])
        for before, after in pairwise(FUNNEL_STEPS)
    }
    return {"day": day, "source": source, "label": label, **steps, "conversion": conversion}


def _funnel_figures(behaviour: Mapping[str, Any], orders: Mapping[str, Any]) -> dict[str, int]:
    return {
        "visitors": int(behaviour.get("visitors", 0)),
        "product_viewers": int(behaviour.get("product_viewers", 0)),
        "checkout_viewers": int(behaviour.get("checkout_viewers", 0)),
        "orders": int(orders.get("orders_placed", 0)),
        "payers": int(orders.get("payers", 0)),
    }


def daily_funnel(views: ViewReader, start: date, end: date) -> list[dict[str, Any]]:
    """Per day: the day's funnel over all sources, then one per source (most
    visitors first), zero rows left out except the day's own."""
    days = analytics_queries.days_between(start, end)
    behaviour_days = _by_day(views, PROJECTION, DAYS, days)
    order_days = _by_day(views, analytics_queries.PROJECTION, ANALYTICS_DAYS, days)
    behaviour = _behaviour_rows(views, days[0], days[-1])
    orders = {
        (doc["day"], doc["source"]): doc
        for doc in analytics_queries.source_days(views, days[0], days[-1])
    }
    named = analytics_queries.labels(views)
    rows: list[dict[str, Any]] = []
    for day in days:
        figures = _funnel_figures(behaviour_days.get(day, {}), order_days.get(day, {}))
        rows.append(_funnel_row(day, ALL_SOURCES, "全部", figures))
        keys = {source for d, source in (*behaviour, *orders) if d == day}
        per_source = [
            (s, _funnel_figures(behaviour.get((day, s), {}), orders.get((day, s), {})))
            for s in keys
        ]
        per_source = [(s, f) for s, f in per_source if any(f.values())]
        per_source.sort(key=lambda sf: (-sf[1]["visitors"], sf[0]))
        rows += [
            _funnel_row(day, s, analytics_queries.label_of(s, named), f) for s, f in per_source
        ]
    return rows


def funnel_csv_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The daily funnel's rows flat, for CSV (conversion columns after the steps)."""
    return [{**row, **row["conversion"]} for row in rows]


FUNNEL_CSV_COLUMNS = (
    *FUNNEL_COLUMNS,
    *(f"{a}_per_{b}" for b, a in pairwise(FUNNEL_STEPS)),
)
