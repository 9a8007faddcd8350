"""Read-model queries of the promotion analytics: a campaign's figures per
Beijing day with its totals and its last-touch sources, and each coupon
template's figures over a range with the per-kind (满减 vs 折扣) summary;
and the columns of their CSV rows.

A range of N days reads at most N of the campaign's day documents and the
day documents of its sources (or of the coupon templates), a page at a time:
never raw events."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from ..application.errors import NotFound
from ..domain import campaign_visits as visit_rules
from ..domain import promotion_metrics as metrics
from ..domain.ids import campaign_id_for
from ..domain.shop_metrics import summed
from .analytics_queries import days_between, label_of, labels
from .base import Doc, ViewReader, day_source_rank
from .campaign_visits import DAYS as VISIT_DAYS
from .campaign_visits import CampaignVisitsProjection
from .promotion_analytics import (
    CAMPAIGN_DAYS,
    CAMPAIGN_SOURCES,
    CAMPAIGNS,
    COUPON_DAYS,
    TEMPLATES,
    PromotionAnalyticsProjection,
    coupon_rank,
)

PROJECTION = PromotionAnalyticsProjection.name
VISITS = CampaignVisitsProjection.name
PAGE = 500
END = "~"
"""Sorts after every day, source key and template id: the top of a ranked range."""
CAMPAIGN_COLUMNS = (
    "day",
    *visit_rules.VISIT_COUNTS,
    *metrics.CAMPAIGN_COUNTS,
    *metrics.CAMPAIGN_DERIVED,
    *visit_rules.VISIT_DERIVED,
)
TEMPLATE_FIELDS = ("code", "title", "kind", "kind_label")
COUPON_COLUMNS = (*TEMPLATE_FIELDS, *metrics.COUPON_COUNTS, *metrics.COUPON_DERIVED)


def _definitions(*names: str) -> dict[str, str]:
    known = {**metrics.DEFINITIONS, **visit_rules.DEFINITIONS}
    return {name: known[name] for name in names if name in known}


def _figures(counts: Doc, visits: Doc) -> dict[str, Any]:
    """A campaign day's (or the range's) figures: the order log's and the visits'."""
    figures = metrics.campaign_figures(counts)
    return {**visit_rules.visit_figures(visits, figures["payers"]), **figures}


def _visits(views: ViewReader, code: str, days: list[str]) -> list[Doc]:
    """The campaign's visit counts of each day of the range (empty where none)."""
    docs = views.query(
        VISITS, VISIT_DAYS, code, rank_upto=days[-1], descending=True, limit=len(days)
    )
    by_day = {doc["day"]: doc for doc in docs if doc["day"] >= days[0]}
    return [by_day.get(day, {}) for day in days]


def _descending(
    views: ViewReader, view: str, group: str, upto: str, rank: Callable[[Doc], str]
) -> Iterator[Doc]:
    """The group's documents ranked up to `upto`, highest first, a page at a time."""
    while True:
        page = views.query(PROJECTION, view, group, rank_upto=upto, descending=True, limit=PAGE)
        fresh = [doc for doc in page if rank(doc) != upto]
        yield from fresh
        if len(page) < PAGE or not fresh:
            return
        upto = rank(fresh[-1])


def _within(docs: Iterator[Doc], start: str) -> Iterator[Doc]:
    """Documents newest day first, until one of a day before `start`."""
    for doc in docs:
        if doc["day"] < start:
            return
        yield doc


def campaign(views: ViewReader, code: str, start: date, end: date) -> dict[str, Any]:
    """Every day of the range (zero where nothing happened), the totals and
    the sources; NotFound for a campaign never defined."""
    campaign_id = str(campaign_id_for(code))
    found = views.get(PROJECTION, CAMPAIGNS, campaign_id)
    if found is None:
        raise NotFound("campaign")
    days = days_between(start, end)
    docs = views.query(
        PROJECTION, CAMPAIGN_DAYS, campaign_id, rank_upto=days[-1], descending=True, limit=len(days)
    )
    by_day = {doc["day"]: doc for doc in docs if doc["day"] >= days[0]}
    counts = [by_day.get(day, {}) for day in days]
    visits = _visits(views, str(found["code"]), days)
    rows = _descending(
        views,
        CAMPAIGN_SOURCES,
        campaign_id,
        day_source_rank(days[-1], END),
        lambda doc: day_source_rank(doc["day"], doc["source"]),
    )
    by_source: dict[str, list[Doc]] = {}
    for row in _within(rows, days[0]):
        by_source.setdefault(row["source"], []).append(row)
    named = labels(views)
    sources = [
        {
            "source": source,
            "label": label_of(source, named),
            **metrics.source_figures(summed(docs, metrics.CAMPAIGN_SOURCE_COUNTS)),
        }
        for source, docs in by_source.items()
    ]
    sources.sort(key=lambda s: (-s["gmv_fen"], -s["orders_paid"], s["source"]))
    return {
        "definitions": _definitions(*CAMPAIGN_COLUMNS, "totals", "sources", "source"),
        "campaign": {key: found[key] for key in ("code", "kind", "title")},
        "from": days[0],
        "to": days[-1],
        "days": [
            {"day": day, **_figures(c, v)} for day, c, v in zip(days, counts, visits, strict=True)
        ],
        "totals": _figures(
            summed(counts, metrics.CAMPAIGN_COUNTS), summed(visits, visit_rules.VISIT_COUNTS)
        ),
        "sources": sources,
    }


def _templates(views: ViewReader) -> list[Doc]:
    """Every coupon template, by code."""
    docs = _descending(views, TEMPLATES, TEMPLATES, END, lambda doc: str(doc["code"]))
    return sorted(docs, key=lambda doc: str(doc["code"]))


def coupons(views: ViewReader, start: date, end: date) -> dict[str, Any]:
    """Every coupon template with its figures over the range (zeros where
    nothing happened), by code, and the figures summed per coupon kind."""
    days = days_between(start, end)
    rows = _descending(
        views,
        COUPON_DAYS,
        COUPON_DAYS,
        coupon_rank(days[-1], END),
        lambda doc: coupon_rank(doc["day"], doc["template_id"]),
    )
    by_template: dict[str, list[Doc]] = {}
    for row in _within(rows, days[0]):
        by_template.setdefault(row["template_id"], []).append(row)
    templates = [
        {
            "code": doc["code"],
            "title": doc["title"],
            "kind": doc["kind"],
            "kind_label": metrics.kind_label(doc["kind"]),
            "terms": doc["terms"],
            **metrics.coupon_figures(
                summed(by_template.get(doc["template_id"], []), metrics.COUPON_COUNTS)
            ),
        }
        for doc in _templates(views)
    ]
    return {
        "definitions": _definitions(*COUPON_COLUMNS, "by_kind"),
        "from": days[0],
        "to": days[-1],
        "templates": templates,
        "by_kind": metrics.by_kind(templates),
    }
