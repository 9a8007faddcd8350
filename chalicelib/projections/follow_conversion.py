"""The follow conversion, over the behaviour log alone: members shown the
official account's follow prompt (the mini-program's `follow_prompt` events)
and, of them, those who followed within 24 hours after a prompt (the mirrored
`followed` facts, domain/mirrored_facts.py), per Beijing day of the prompt.

Documents:
- `days/<day>`: `prompted` (members shown the prompt that day, each once) and
  `followed` (of them, those who followed within 24 hours after one of that
  day's prompts), ranked by day in one group;
- `members/<member id>`: per day prompted, the earliest and the latest prompt
  and whether the member counted as followed; their follow times.

A day's prompts all fall within 24 hours of each other, so "within 24 hours
after one of them" is "from the earliest to 24 hours after the latest": two
times per day keep the count exact whichever order prompts and follows arrive
in. Prompts before login (an install's) are not counted: a follow is a
member's. A closed account (the mirrored `account_closed`) drops the member's
document; the counts stay."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..domain import oa_metrics as rules
from ..domain.behaviour_event import BehaviourEvent
from ..domain.calendar import beijing_day
from ..domain.mirrored_facts import ACCOUNT_CLOSED, FOLLOWED
from .base import Doc, Handler, ViewWriter, rank_time

DAYS = "days"
MEMBERS = "members"
FOLLOW_PROMPT = "follow_prompt"
MEMBER_PREFIX = "member:"
RANK_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"
"""How base.rank_time writes a time."""


def _count(views: ViewWriter, day: str, **deltas: int) -> None:
    doc = views.get(DAYS, day) or {"day": day, "prompted": 0, "followed": 0}
    for name, delta in deltas.items():
        doc[name] += delta
    views.put(DAYS, day, doc, group=DAYS, rank=day)


def _member(views: ViewWriter, member_id: str) -> Doc:
    return views.get(MEMBERS, member_id) or {"days": {}, "follows": []}


def _time(text: str) -> datetime:
    return datetime.strptime(text, RANK_TIME).replace(tzinfo=UTC)


def _converts(day: Doc, follows: list[str]) -> bool:
    first, last = _time(day["first"]), _time(day["last"])
    return any(rules.follows_after_prompt(first, last, _time(f)) for f in follows)


def _check(views: ViewWriter, member: Doc) -> None:
    for day, prompts in member["days"].items():
        if not prompts["followed"] and _converts(prompts, member["follows"]):
            prompts["followed"] = True
            _count(views, day, followed=1)


def _on_prompt(e: BehaviourEvent.Recorded, views: ViewWriter, member_id: str) -> None:
    member, at = _member(views, member_id), rank_time(e.at)
    day = beijing_day(e.at)
    prompts = member["days"].get(day)
    if prompts is None:
        member["days"][day] = {"first": at, "last": at, "followed": False}
        _count(views, day, prompted=1)
    else:
        prompts.update(first=min(prompts["first"], at), last=max(prompts["last"], at))
    _check(views, member)
    views.put(MEMBERS, member_id, member)


def _on_followed(e: BehaviourEvent.Recorded, views: ViewWriter, member_id: str) -> None:
    member = _member(views, member_id)
    member["follows"] = sorted({*member["follows"], rank_time(e.at)})
    _check(views, member)
    views.put(MEMBERS, member_id, member)


def _on_recorded(e: BehaviourEvent.Recorded, views: ViewWriter) -> None:
    if not e.subject.startswith(MEMBER_PREFIX):
        return
    member_id = e.subject.removeprefix(MEMBER_PREFIX)
    if e.kind == FOLLOW_PROMPT:
        _on_prompt(e, views, member_id)
    elif e.kind == FOLLOWED:
        _on_followed(e, views, member_id)
    elif e.kind == ACCOUNT_CLOSED:  # the counts stay, what is known of the member goes
        views.delete(MEMBERS, member_id)


HANDLERS: dict[type, Handler] = {BehaviourEvent.Recorded: _on_recorded}


class FollowConversionProjection:
    name = "follow_conversion"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
