"""The share rate per experiment variant, over the behaviour log alone: the
exposures are the order log's, mirrored (domain/mirrored_facts.py), the shares
are what the mini-program reported (`share` events of a member).

Documents:
- `arms/<experiment>|<variant>` (group: the experiment, rank: the variant):
  `share_exposures` (exposed members, as mirrored) and `sharers` (of them,
  those who shared at least once at or after their exposure);
- `members/<member id>`: the member's latest share time, and per experiment
  their variant, exposure time and whether they count as a sharer.

A share before the exposure does not count (the variant cannot have caused
it). Keeping the latest share time makes the count independent of the order
the two arrive in: an exposure counts as shared when the latest share is at or
after it, and a share counts for every exposure at or before it not counted
yet. Shares reported before login (an install's) are not counted: exposures
are a member's. A closed account (the mirrored `account_closed`) drops the
member's document; the counts stay."""

from __future__ import annotations

from typing import Any

from ..domain.behaviour_event import BehaviourEvent
from ..domain.mirrored_facts import ACCOUNT_CLOSED, EXPOSURE
from .base import Doc, Handler, ViewWriter, rank_time

ARMS = "arms"
MEMBERS = "members"
SHARE = "share"
MEMBER_PREFIX = "member:"


def arm_key(experiment: str, variant: str) -> str:
    return f"{experiment}|{variant}"


def _count(views: ViewWriter, experiment: str, variant: str, **deltas: int) -> None:
    key = arm_key(experiment, variant)
    doc = views.get(ARMS, key) or {
        "experiment": experiment,
        "variant": variant,
        "share_exposures": 0,
        "sharers": 0,
    }
    for name, delta in deltas.items():
        doc[name] += delta
    views.put(ARMS, key, doc, group=experiment, rank=variant)


def _member(views: ViewWriter, member_id: str) -> Doc:
    return views.get(MEMBERS, member_id) or {"last_share": None, "exposures": {}}


def _on_exposure(e: BehaviourEvent.Recorded, views: ViewWriter, member_id: str) -> None:
    experiment, variant = e.fields.get("experiment"), e.fields.get("variant")
    if not isinstance(experiment, str) or not isinstance(variant, str):
        return
    member = _member(views, member_id)
    if experiment in member["exposures"]:
        return
    at = rank_time(e.at)
    shared = member["last_share"] is not None and member["last_share"] >= at
    member["exposures"][experiment] = {"variant": variant, "at": at, "shared": shared}
    _count(views, experiment, variant, share_exposures=1, sharers=int(shared))
    views.put(MEMBERS, member_id, member)


def _on_share(e: BehaviourEvent.Recorded, views: ViewWriter, member_id: str) -> None:
    member = _member(views, member_id)
    at = rank_time(e.at)
    if member["last_share"] is None or member["last_share"] < at:
        member["last_share"] = at
    for experiment, exposure in member["exposures"].items():
        if not exposure["shared"] and exposure["at"] <= at:
            exposure["shared"] = True
            _count(views, experiment, exposure["variant"], sharers=1)
    views.put(MEMBERS, member_id, member)


def _on_recorded(e: BehaviourEvent.Recorded, views: ViewWriter) -> None:
    if not e.subject.startswith(MEMBER_PREFIX):
        return
    member_id = e.subject.removeprefix(MEMBER_PREFIX)
    if e.kind == EXPOSURE:
        _on_exposure(e, views, member_id)
    elif e.kind == SHARE:
        _on_share(e, views, member_id)
    elif e.kind == ACCOUNT_CLOSED:  # the counts stay, what is known of the member goes
        views.delete(MEMBERS, member_id)


HANDLERS: dict[type, Handler] = {BehaviourEvent.Recorded: _on_recorded}


class ExperimentSharesProjection:
    name = "experiment_shares"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
