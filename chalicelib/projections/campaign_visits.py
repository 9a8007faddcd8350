"""Campaign visits read model, over the behaviour log: per campaign and
Beijing day (of the event's `at`), the visits, the visitors and the sharers
(domain/campaign_visits.py says which events name a campaign), so the
campaign answer reads one document per day, never raw events.

Documents:
- `days/<code>|<day>` (group: the code, rank: the day): `visits`, `visitors`
  and `sharers` of the campaign that day;
- `day_campaigns/<day>`: how many campaigns the day has documents for; a day
  keeps MAX_CAMPAIGNS_PER_DAY, later codes of that day are not counted (a
  client cannot fill the store with made-up codes);
- `subjects/<member:…|install:…>`: who the subject is counted as (an
  install's member once linked) and, per campaign, the day of their first
  visit and first share: the markers that make `visitors` and `sharers`
  exact, written in the same batch as the counters they gate.

An install's events count for the install until its `install_linked` event,
for the member from then on; at the link the install's first days join the
member's, and a campaign both had counted is kept on the earlier day only (the
later count goes down by one). The mirrored `account_closed` drops the
member's document; the counts stay."""

from __future__ import annotations

from typing import Any

from ..domain import campaign_visits as rules
from ..domain.behaviour_event import INSTALL_LINKED, BehaviourEvent
from ..domain.behaviour_metrics import member_of_link
from ..domain.calendar import beijing_day
from ..domain.mirrored_facts import ACCOUNT_CLOSED
from .base import Doc, Handler, ViewWriter

DAYS = "days"
DAY_CAMPAIGNS = "day_campaigns"
SUBJECTS = "subjects"
MAX_CAMPAIGNS_PER_DAY = 200
VISITORS, SHARERS = "visitors", "sharers"


def day_key(code: str, day: str) -> str:
    return f"{code}|{day}"


def _count(views: ViewWriter, code: str, day: str, **deltas: int) -> bool:
    """Adds to the campaign's day; False when the day is full of other campaigns."""
    key = day_key(code, day)
    doc = views.get(DAYS, key)
    if doc is None:
        known = views.get(DAY_CAMPAIGNS, day) or {"day": day, "campaigns": 0}
        if known["campaigns"] >= MAX_CAMPAIGNS_PER_DAY:
            return False
        known["campaigns"] += 1
        views.put(DAY_CAMPAIGNS, day, known)
        doc = {"campaign": code, "day": day, **dict.fromkeys(rules.VISIT_COUNTS, 0)}
    for name, delta in deltas.items():
        doc[name] += delta
    views.put(DAYS, key, doc, group=code, rank=day)
    return True


def _subject(views: ViewWriter, subject: str) -> Doc:
    return views.get(SUBJECTS, subject) or {"member": None, "first": {}}


def _counted_as(views: ViewWriter, subject: str) -> str:
    if subject.startswith("install:"):
        member = _subject(views, subject)["member"]
        if isinstance(member, str):
            return member
    return subject


def _first(views: ViewWriter, who: str, code: str, day: str, figure: str) -> None:
    """Counts `figure` for the subject on `day` unless counted on that day or before."""
    doc = _subject(views, who)
    firsts: dict[str, str] = doc["first"].setdefault(code, {})
    counted = firsts.get(figure)
    if counted is not None and counted <= day:
        return
    if not _count(views, code, day, **{figure: 1}):
        return
    if counted is not None:  # an earlier day reported late: the later count moves to it
        _count(views, code, counted, **{figure: -1})
    firsts[figure] = day
    views.put(SUBJECTS, who, doc)


def _on_linked(e: BehaviourEvent.Recorded, views: ViewWriter) -> None:
    member = member_of_link(e.fields)
    if member is None:
        return
    install = _subject(views, e.subject)
    joined = _subject(views, member)
    for code, firsts in install["first"].items():
        mine: dict[str, str] = joined["first"].setdefault(code, {})
        for figure, day in firsts.items():
            theirs = mine.get(figure)
            if theirs is None:
                mine[figure] = day
                continue
            _count(views, code, max(day, theirs), **{figure: -1})
            mine[figure] = min(day, theirs)
    install["member"], install["first"] = member, {}
    views.put(SUBJECTS, e.subject, install)
    views.put(SUBJECTS, member, joined)


def _on_recorded(e: BehaviourEvent.Recorded, views: ViewWriter) -> None:
    if e.kind == INSTALL_LINKED:
        _on_linked(e, views)
        return
    if e.kind == ACCOUNT_CLOSED:  # the counts stay, what is known of the member goes
        views.delete(SUBJECTS, e.subject)
        return
    code = rules.campaign_of(e.kind, e.fields)
    if code is None:
        return
    day = beijing_day(e.at)
    who = _counted_as(views, e.subject)
    if e.kind == rules.SHARED:
        _first(views, who, code, day, SHARERS)
    elif _count(views, code, day, visits=1):
        _first(views, who, code, day, VISITORS)


HANDLERS: dict[type, Handler] = {BehaviourEvent.Recorded: _on_recorded}


class CampaignVisitsProjection:
    name = "campaign_visits"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
