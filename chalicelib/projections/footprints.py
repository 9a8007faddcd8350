"""Footprints (我的足迹), over the behaviour log: the products a member viewed
lately (their `product_view` events reported while logged in), each once at
its latest view, at most MAX_FOOTPRINTS per member (the oldest go first).

One document per member (`members/<member id>`: {"viewed": {product id: fixed-width
UTC time}}), so a member's footprints are one read. Views reported out of order
keep the latest time; views before login (an install's) are not a member's. A
closed account (the mirrored `account_closed`) drops the document."""

from __future__ import annotations

from typing import Any

from ..domain.behaviour_event import BehaviourEvent
from ..domain.mirrored_facts import ACCOUNT_CLOSED
from .base import Handler, ViewWriter, rank_time

MEMBERS = "members"
PRODUCT_VIEW = "product_view"
MEMBER_PREFIX = "member:"
MAX_FOOTPRINTS = 100


def _viewed(e: BehaviourEvent.Recorded, views: ViewWriter, member_id: str) -> None:
    product_id = e.fields.get("product_id")
    if not isinstance(product_id, str):
        return
    at = rank_time(e.at)
    viewed = dict((views.get(MEMBERS, member_id) or {"viewed": {}})["viewed"])
    if viewed.get(product_id, "") >= at:
        return
    viewed[product_id] = at
    latest = sorted(viewed.items(), key=lambda item: (item[1], item[0]), reverse=True)
    views.put(MEMBERS, member_id, {"viewed": dict(latest[:MAX_FOOTPRINTS])})


def _on_recorded(e: BehaviourEvent.Recorded, views: ViewWriter) -> None:
    if not e.subject.startswith(MEMBER_PREFIX):
        return
    member_id = e.subject.removeprefix(MEMBER_PREFIX)
    if e.kind == PRODUCT_VIEW:
        _viewed(e, views, member_id)
    elif e.kind == ACCOUNT_CLOSED:
        views.delete(MEMBERS, member_id)


HANDLERS: dict[type, Handler] = {BehaviourEvent.Recorded: _on_recorded}


class FootprintsProjection:
    name = "footprints"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        """Events of other kinds do not concern this view."""
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
