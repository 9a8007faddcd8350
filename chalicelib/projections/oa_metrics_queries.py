"""The official-account answer: entries from its menu and articles (the
analytics projection's per day and source documents, never raw events),
followers per day of the follow (the oa_metrics projection's day documents),
the follow conversion per day of the prompt (the follow_conversion
projection's, over the behaviour log), with the definitions they follow; and
the same as CSV rows.

A range of N days reads at most N follower day documents and the day and
source documents of those days (a page at a time)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..domain import oa_metrics as rules
from ..domain.shop_metrics import summed
from . import analytics_queries
from .base import Doc, ViewReader
from .follow_conversion import FollowConversionProjection
from .oa_metrics import DAYS, OaMetricsProjection

PROJECTION = OaMetricsProjection.name
ENTRY_COLUMNS: tuple[str, ...] = ("visits", "new_members", "orders_placed", "orders_paid")
ENTRY_COLUMNS += ("payers", "gmv_fen", "converted", "conversion", "payer_rate")
FOLLOWER_COLUMNS: tuple[str, ...] = ("gained", "lost", "net", "linked", "linked_payers")
FOLLOWER_COLUMNS += ("paid_rate", "repurchasers", "repurchase", "retained_30d", "retention_30d")
PROMPT_COLUMNS = ("prompted", "followed", "follow_conversion")
CSV_COLUMNS = ("section", "day", "source", "entry", "label", *ENTRY_COLUMNS, *FOLLOWER_COLUMNS)
CSV_COLUMNS += PROMPT_COLUMNS


def _entry_rows(views: ViewReader, days: list[str]) -> list[Doc]:
    rows = analytics_queries.source_days(views, days[0], days[-1])
    found = [row for row in rows if row["source"].partition(":")[0] in rules.ENTRY_GROUPS]
    return sorted(found, key=lambda row: (row["day"], row["source"]))


def _entry(source: str, named: dict[str, str], counts: dict[str, int]) -> dict[str, Any]:
    detail = source.partition(":")[2]
    return {
        "source": source,
        "entry": detail or None,
        "label": analytics_queries.label_of(source, named),
        **rules.entry_figures(counts),
    }


def entries(views: ViewReader, days: list[str]) -> dict[str, Any]:
    """`menu` (per menu type) and `articles` (per article id) over the range, most
    visits first, and `days`: per day and entry."""
    named = analytics_queries.labels(views)
    rows = _entry_rows(views, days)
    by_source: dict[str, list[Doc]] = {}
    for row in rows:
        by_source.setdefault(row["source"], []).append(row)
    totals = [
        _entry(source, named, summed(docs, rules.ENTRY_COUNTS))
        for source, docs in by_source.items()
    ]
    totals.sort(key=lambda t: (-t["visits"], -t["new_members"], t["source"]))
    return {
        "menu": [t for t in totals if t["source"].startswith("oa_menu")],
        "articles": [t for t in totals if t["source"].startswith("oa_article")],
        "days": [{"day": row["day"], **_entry(row["source"], named, row)} for row in rows],
    }


def followers(views: ViewReader, days: list[str], today: date) -> dict[str, Any]:
    """Every day of the range (zeros where nobody followed) and the totals."""
    found = views.query(
        PROJECTION, DAYS, DAYS, rank_upto=days[-1], descending=True, limit=len(days)
    )
    by_day = {doc["day"]: doc for doc in found if doc["day"] >= days[0]}
    rows = [rules.follower_day(date.fromisoformat(day), by_day.get(day, {}), today) for day in days]
    return {"days": rows, "totals": rules.follower_totals(rows)}


def follow_conversion(views: ViewReader, days: list[str]) -> dict[str, Any]:
    """Every day of the range (per day of the prompt) and the totals."""
    found = views.query(
        FollowConversionProjection.name,
        DAYS,
        DAYS,
        rank_upto=days[-1],
        descending=True,
        limit=len(days),
    )
    by_day = {doc["day"]: doc for doc in found if doc["day"] >= days[0]}
    rows = [rules.prompt_day(day, by_day.get(day, {})) for day in days]
    totals = rules.prompt_day("", summed(rows, ("prompted", "followed")))
    del totals["day"]
    return {"days": rows, "totals": totals}


def official_account(views: ViewReader, start: date, end: date, today: date) -> dict[str, Any]:
    days = analytics_queries.days_between(start, end)
    return {
        "definitions": dict(rules.DEFINITIONS),
        "from": days[0],
        "to": days[-1],
        "today": today.isoformat(),
        "entries": entries(views, days),
        "followers": followers(views, days, today),
        "follow_conversion": follow_conversion(views, days),
    }


def csv_rows(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per day and entry (`section` "entry"), then one per day of the
    followers ("followers") and of the follow prompts ("follow_conversion")."""
    entry_rows = [{"section": "entry", **row} for row in answer["entries"]["days"]]
    follower_rows = [{"section": "followers", **row} for row in answer["followers"]["days"]]
    prompt_rows = [
        {"section": "follow_conversion", **row} for row in answer["follow_conversion"]["days"]
    ]
    return entry_rows + follower_rows + prompt_rows
