"""What the runner reads: pages of an eventsourcing application's log, each
event deserialised only if a projection being advanced acts on its type. The
type is resolved from the notification's topic (a string, cached per topic)
before any of its JSON is parsed; an event no projection of the group handles
stays in the page as (id, None), so positions still move past it."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Protocol

from eventsourcing.utils import resolve_topic

from ..clock import Clock

Batch = list[tuple[int, Any]]
"""(notification id, event or None) in log order."""
Handles = frozenset[type] | None
"""The exact event types a projection acts on, or None for every event."""


class EventLog(Protocol):
    """What the runner reads: an eventsourcing application's log (the order
    log's `EventStore`, or the `BehaviourLog`) and the clock its parks are dated by."""

    @property
    def recorder(self) -> Any: ...

    @property
    def mapper(self) -> Any: ...

    @property
    def clock(self) -> Clock: ...


def wanted(handles: Mapping[str, Handles], names: Collection[str]) -> Handles:
    """The event types any of the named projections acts on (None: every type)."""
    types: set[type] = set()
    for name in names:
        handled = handles[name]
        if handled is None:
            return None
        types |= handled
    return frozenset(types)


class LogPages:
    def __init__(self, app: EventLog) -> None:
        self.app = app
        self._types: dict[str, type] = {}
        """Topic -> event type, as the mapper resolves it."""

    def read(self, after: int, page: int, types: Handles) -> Batch:
        """Up to `page` events after the notification id `after`; only those
        whose type is in `types` (all if None) deserialised."""
        notifications = self.app.recorder.select_notifications(
            start=after, limit=page, inclusive_of_start=False
        )
        to_event = self.app.mapper.to_domain_event
        if types is None:
            return [(n.id, to_event(n)) for n in notifications]
        return [
            (n.id, to_event(n) if self._type(n.topic) in types else None) for n in notifications
        ]

    def _type(self, topic: str) -> type:
        found = self._types.get(topic)
        if found is None:
            found = self._types[topic] = resolve_topic(topic)
        return found
