"""Behaviour metrics read model: what the mini-program reported (the behaviour
log) pre-aggregated per Beijing day and per day and source
(domain/behaviour_metrics.py says what each figure counts and who an event
counts for), so a query over a range reads one document per day (and per day
and source), never raw events.

Documents:
- `days/<day>`: the day's counts (DAY_COUNTS) and how many sources it has;
- `source_days/<day>|<source>`: one source's counts that day (SOURCE_COUNTS),
  ranked by "<day>|<source>" in one group, so a range is one ranged read;
- `searches/<day>`: the day's search terms and their counts, ranked by day;
- `subjects/<member:…|install:…>`: who a subject is counted as (an install's
  member once linked), the source of its latest launch, and the markers that
  make unique counts exact ("<day>|<figure>" and "<day>|<figure>|<source>"),
  written in the same batch as the counters they gate. Markers of days more
  than MARK_DAYS before the subject's latest event are dropped: no event older
  than the behaviour log's MAX_AGE can still arrive for them.

A day keeps at most MAX_SOURCES_PER_DAY detailed sources; past that, a new
detailed source of that day is counted under its group (as the analytics
projection does). Kinds this projection does not know are ignored (server
events other projections read share the log)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ..domain import behaviour_metrics as metrics
from ..domain.attribution import DIRECT
from ..domain.behaviour import MAX_AGE
from ..domain.behaviour_event import INSTALL_LINKED, BehaviourEvent
from ..domain.calendar import beijing_day
from .base import Doc, Handler, ViewWriter, day_source_rank

DAYS = "days"
SOURCE_DAYS = "source_days"
SEARCHES = "searches"
SUBJECTS = "subjects"
MAX_SOURCES_PER_DAY = 200
MARK_DAYS = MAX_AGE.days + 1


# -- counters -------------------------------------------------------------------
def _day(views: ViewWriter, day: str) -> Doc:
    fresh = {"day": day, "sources": 0, **dict.fromkeys(metrics.DAY_COUNTS, 0)}
    return views.get(DAYS, day) or fresh


def _count_day(views: ViewWriter, day: str, **deltas: int) -> None:
    doc = _day(views, day)
    for name, delta in deltas.items():
        doc[name] += delta
    views.put(DAYS, day, doc, group=DAYS, rank=day)


def _capped(views: ViewWriter, day: str, source: str) -> str:
    """The key `source` is counted under on `day`: itself, or its group once
    the day has MAX_SOURCES_PER_DAY sources and this one is not among them."""
    group = source.partition(":")[0]
    if source == group or views.get(SOURCE_DAYS, day_source_rank(day, source)):
        return source
    return source if _day(views, day)["sources"] < MAX_SOURCES_PER_DAY else group


def _count_source(views: ViewWriter, day: str, source: str, **deltas: int) -> None:
    rank = day_source_rank(day, source)
    doc = views.get(SOURCE_DAYS, rank)
    if doc is None:
        doc = {"day": day, "source": source, **dict.fromkeys(metrics.SOURCE_COUNTS, 0)}
        _count_day(views, day, sources=1)
    for name, delta in deltas.items():
        doc[name] += delta
    views.put(SOURCE_DAYS, rank, doc, group=SOURCE_DAYS, rank=rank)


# -- subjects -------------------------------------------------------------------
def _subject(views: ViewWriter, subject: str) -> Doc:
    return views.get(SUBJECTS, subject) or {"member": None, "last_source": None, "marks": []}


def _counted_as(views: ViewWriter, subject: str) -> str:
    """The subject an event of `subject` counts for: an install's member once linked."""
    if subject.startswith("install:"):
        member = _subject(views, subject)["member"]
        if isinstance(member, str):
            return member
    return subject


def _save(views: ViewWriter, subject: str, doc: Doc, day: str) -> None:
    oldest = (date.fromisoformat(day) - timedelta(days=MARK_DAYS)).isoformat()
    doc["marks"] = [mark for mark in doc["marks"] if mark.partition("|")[0] >= oldest]
    views.put(SUBJECTS, subject, doc)


def _unique(views: ViewWriter, doc: Doc, day: str, figure: str, source: str) -> None:
    """Counts `figure` once for the subject on `day`, in total and under `source`."""
    marks: list[str] = doc["marks"]
    if f"{day}|{figure}" not in marks:
        marks.append(f"{day}|{figure}")
        _count_day(views, day, **{figure: 1})
    if f"{day}|{figure}|{source}" not in marks:
        marks.append(f"{day}|{figure}|{source}")
        _count_source(views, day, source, **{figure: 1})


def _uncount(views: ViewWriter, mark: str) -> None:
    """Takes back one count a marker gated (the same visitor counted twice)."""
    day, figure, source = [*mark.split("|", 2), ""][:3]
    if source:
        _count_source(views, day, source, **{figure: -1})
    else:
        _count_day(views, day, **{figure: -1})


# -- events ---------------------------------------------------------------------
def _on_launch(e: BehaviourEvent.Recorded, views: ViewWriter, who: str, doc: Doc) -> None:
    day = beijing_day(e.at)
    source = metrics.launch_source(e.fields).key
    key = _capped(views, day, source)
    _count_day(views, day, launches=1)
    _count_source(views, day, key, launches=1)
    _unique(views, doc, day, "visitors", key)
    doc["last_source"] = source
    _save(views, who, doc, day)


def _on_viewed(e: BehaviourEvent.Recorded, views: ViewWriter, who: str, doc: Doc) -> None:
    """A product view, checkout view or share: once per visitor and day."""
    day = beijing_day(e.at)
    key = _capped(views, day, doc["last_source"] or DIRECT)
    _unique(views, doc, day, metrics.UNIQUE[e.kind], key)
    _save(views, who, doc, day)


def _on_search(e: BehaviourEvent.Recorded, views: ViewWriter, who: str, doc: Doc) -> None:
    day = beijing_day(e.at)
    _count_day(views, day, searches=1)
    term = metrics.search_term(e.fields.get("text"))
    if term is None:
        return
    found = views.get(SEARCHES, day) or {"day": day, "terms": {}}
    terms: dict[str, int] = found["terms"]
    if term not in terms and len(terms) >= metrics.MAX_TERMS_PER_DAY:
        term = metrics.OTHER_TERMS
    terms[term] = terms.get(term, 0) + 1
    views.put(SEARCHES, day, found, group=SEARCHES, rank=day)


def _on_linked(e: BehaviourEvent.Recorded, views: ViewWriter) -> None:
    """The install's events count for the member from now on; what it counted
    so far joins the member's markers (a figure both counted goes down by one)."""
    member = metrics.member_of_link(e.fields)
    if member is None:
        return
    install = _subject(views, e.subject)
    joined = _subject(views, member)
    for mark in install["marks"]:
        if mark in joined["marks"]:
            _uncount(views, mark)
        else:
            joined["marks"].append(mark)
    joined["last_source"] = install["last_source"] or joined["last_source"]
    install["member"], install["marks"] = member, []
    day = beijing_day(e.at)
    _save(views, e.subject, install, day)
    _save(views, member, joined, day)


KIND_HANDLERS = {
    metrics.LAUNCH: _on_launch,
    metrics.PRODUCT_VIEW: _on_viewed,
    metrics.CHECKOUT_VIEW: _on_viewed,
    metrics.SHARE: _on_viewed,
    metrics.SEARCH: _on_search,
}


def _on_recorded(e: BehaviourEvent.Recorded, views: ViewWriter) -> None:
    if e.kind == INSTALL_LINKED:
        _on_linked(e, views)
        return
    handler = KIND_HANDLERS.get(e.kind)
    if handler is not None:
        who = _counted_as(views, e.subject)
        handler(e, views, who, _subject(views, who))


HANDLERS: dict[type, Handler] = {BehaviourEvent.Recorded: _on_recorded}


class BehaviourMetricsProjection:
    name = "behaviour_metrics"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
