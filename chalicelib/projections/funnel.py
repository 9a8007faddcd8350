"""The acquisition funnel's read model, over the behaviour log alone: launches
and product views as the mini-program reported them, registrations and orders
as the order log's mirrored facts (domain/mirrored_facts.py), installs merged
into their member at `install_linked`. domain/funnel.py has the rules.

Documents:
- `people/<subject>`: a person's journey (the first time of each touch) and
  the contribution it makes to the counts; an install linked to a member keeps
  only the member's subject (`member`), and its later events go to the member;
- `cohorts/<day>|<source>` (one group, ranked by "<day>|<source>"): the people
  whose first visit was on that Beijing day from that source, and per later
  step how many reached it with a cumulative delay of d days, d = 0..30
  (domain/funnel.py `add`), so a window of W days is a sum over d <= W;
- `days/<day>`: how many sources the day has.

A closed account (the mirrored `account_closed`) drops the member's person
document; the counts stay.

A day keeps at most MAX_SOURCES_PER_DAY detailed sources; past that a new
detailed source of that day counts under its group, as in the analytics read
model. A person's contribution records the key it was counted under, so
taking it away hits the same document: the counts are exact, and a rebuild
(the same events in the same order) gives the same documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..domain import funnel
from ..domain.attribution import source_of
from ..domain.behaviour_event import INSTALL_LINKED, BehaviourEvent
from ..domain.funnel import Contribution, Journey
from ..domain.mirrored_facts import ACCOUNT_CLOSED, ORDER_PAID, ORDER_PLACED, REGISTERED
from .base import Doc, Handler, ViewWriter, day_source_rank

PEOPLE = "people"
COHORTS = "cohorts"
DAYS = "days"
MAX_SOURCES_PER_DAY = 200
INSTALL_PREFIX = "install:"
MEMBER_PREFIX = "member:"


def _launch_source(fields: dict[str, Any]) -> str:
    query = fields.get("query")
    query = dict(query) if isinstance(query, dict) else {}
    if fields.get("inviter"):
        query["inviter"] = fields["inviter"]
    scene = fields.get("scene")
    return source_of(scene if isinstance(scene, int) else None, query).key


def _source_key(views: ViewWriter, day: str, source: str) -> str:
    """The key `source` counts under on `day` (module docstring)."""
    group = source.partition(":")[0]
    if source == group or views.get(COHORTS, day_source_rank(day, source)) is not None:
        return source
    days = views.get(DAYS, day) or {"sources": 0}
    return source if days["sources"] < MAX_SOURCES_PER_DAY else group


def _count(views: ViewWriter, part: Contribution, sign: int) -> None:
    rank = day_source_rank(part.day, part.source)
    doc = views.get(COHORTS, rank)
    if doc is None:
        doc = {"day": part.day, "source": part.source, "visitors": 0}
        doc["reached"] = funnel.empty_reached()
        days = views.get(DAYS, part.day) or {"day": part.day, "sources": 0}
        days["sources"] += 1
        views.put(DAYS, part.day, days)
    funnel.add(doc, part, sign)
    views.put(COHORTS, rank, doc, group=COHORTS, rank=rank)


def _recount(views: ViewWriter, person: Doc, journey: Journey) -> None:
    """Replaces the person's contribution by the one of `journey`."""
    old = None if person["counted"] is None else Contribution.from_doc(person["counted"])
    new = funnel.contribution(journey)
    if new is not None:
        new = Contribution(new.day, _source_key(views, new.day, new.source), new.delays)
    if new != old:
        if old is not None:
            _count(views, old, -1)
        if new is not None:
            _count(views, new, 1)
    person["journey"] = journey.as_doc()
    person["counted"] = None if new is None else new.as_doc()


def _person(views: ViewWriter, subject: str) -> tuple[str, Doc]:
    """The subject the events of `subject` count for (an install's member once
    linked), and that person's document."""
    doc = views.get(PEOPLE, subject)
    if doc is not None and doc.get("member"):
        subject = doc["member"]
        doc = views.get(PEOPLE, subject)
    return subject, doc or {"journey": {}, "counted": None, "member": None}


def _touch(e: BehaviourEvent.Recorded, views: ViewWriter, touch: str, source: str = "") -> None:
    subject, person = _person(views, e.subject)
    journey = Journey.from_doc(person["journey"]).reached(touch, e.at, source)
    _recount(views, person, journey)
    views.put(PEOPLE, subject, person)


def _on_linked(e: BehaviourEvent.Recorded, views: ViewWriter) -> None:
    """The install's journey becomes part of its member's (the earliest of
    both, touch by touch); an install already linked stays with its first member."""
    install = views.get(PEOPLE, e.subject) or {"journey": {}, "counted": None, "member": None}
    member_id = e.fields.get("member_id")
    if install.get("member") or not isinstance(member_id, str):
        return
    before = Journey.from_doc(install["journey"])
    _recount(views, install, Journey())
    subject = f"{MEMBER_PREFIX}{member_id}"
    member = views.get(PEOPLE, subject) or {"journey": {}, "counted": None, "member": None}
    journey = Journey.from_doc(member["journey"]).merged(before)
    _recount(views, member, journey)
    views.put(PEOPLE, subject, member)
    views.put(PEOPLE, e.subject, {"journey": {}, "counted": None, "member": subject})


KINDS: dict[str, Callable[[BehaviourEvent.Recorded, ViewWriter], None]] = {
    "launch": lambda e, views: _touch(e, views, "launch", _launch_source(e.fields)),
    "product_view": lambda e, views: _touch(e, views, funnel.PRODUCT_VIEW),
    REGISTERED: lambda e, views: _touch(
        e, views, funnel.REGISTERED, str(e.fields.get("source") or "other")
    ),
    ORDER_PLACED: lambda e, views: _touch(e, views, funnel.ORDER_PLACED),
    ORDER_PAID: lambda e, views: _touch(e, views, funnel.ORDER_PAID),
    INSTALL_LINKED: _on_linked,
    ACCOUNT_CLOSED: lambda e, views: views.delete(PEOPLE, e.subject),
}
"""The behaviour kinds the funnel reads; the others change nothing."""


def _on_recorded(e: BehaviourEvent.Recorded, views: ViewWriter) -> None:
    handler = KINDS.get(e.kind)
    if handler is not None:
        handler(e, views)


HANDLERS: dict[type, Handler] = {BehaviourEvent.Recorded: _on_recorded}


class FunnelProjection:
    name = "funnel"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
