"""The behaviour log: what the mini-program saw (POST /track), kept off the
order log in its own event store with its own total order (on SQLite its own
file, data/behaviour.sqlite; on AWS its own events table, indexer and log
table, `<prefix>-behaviour-*`).

Each behaviour event is an aggregate of one event whose id comes from its
subject and the client's event id (domain/behaviour_event.py), so the
recorder's uniqueness refuses a second copy however many resends race.
Readers page through it in notification-id order with `select`, the way the
projections read the event store's log."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

from ..clock import Clock
from ..domain.behaviour_event import BehaviourEvent, behaviour_event_id
from .errors import Busy

MAX_ATTEMPTS = 30


@dataclass(frozen=True)
class NewBehaviour:
    """One event to record (its time already clamped to the server's)."""

    subject: str
    client_id: str
    kind: str
    at: datetime
    client_at: str
    fields: dict[str, Any]

    @property
    def id(self) -> UUID:
        return behaviour_event_id(self.subject, self.client_id)


@dataclass(frozen=True)
class LoggedBehaviour:
    """One behaviour event as a reader of the log sees it."""

    notification_id: int
    subject: str
    """`member:<member id>` or `install:<install id>`."""
    client_id: str
    kind: str
    at: datetime
    client_at: str
    received_at: datetime
    fields: dict[str, Any]


@dataclass(frozen=True)
class Recorded:
    accepted: int
    duplicates: int


class BehaviourLog(Application[UUID]):
    def __init__(
        self, env: dict[str, str], *, clock: Clock, on_recorded: Callable[[], None]
    ) -> None:
        super().__init__(env)
        self.clock = clock
        """Dates receipts, and the parks of the projections that read this log."""
        self.on_recorded = on_recorded
        """Told after new events were saved (by /track, a login's link or a
        mirrored fact): the behaviour projections catch up, off the request."""

    def record(self, events: Sequence[NewBehaviour]) -> Recorded:
        """Records the events not recorded before, in one transaction; a race
        lost to a concurrent resend filters again and saves what is left."""
        first: dict[UUID, NewBehaviour] = {}
        for event in events:
            first.setdefault(event.id, event)
        fresh = list(first.values())
        for attempt in range(MAX_ATTEMPTS):
            if fresh:
                received_at = self.clock.now()
                try:
                    self.save(*(self._aggregate(event, received_at) for event in fresh))
                except IntegrityError:
                    fresh = [event for event in fresh if not self.holds(event.id)]
                    time.sleep(random.uniform(0, min(0.05, 0.001 * 2**attempt)))
                    continue
                self.on_recorded()
            return Recorded(len(fresh), len(events) - len(fresh))
        raise Busy("recording behaviour events kept conflicting with concurrent writes")

    def holds(self, event_id: UUID) -> bool:
        return bool(self.recorder.select_events(event_id, limit=1))

    def select(self, start: int = 1, limit: int = 100) -> list[LoggedBehaviour]:
        """Up to `limit` events from notification id `start` on, in log order."""
        found = []
        for notification in self.recorder.select_notifications(start, limit):
            recorded = self.mapper.to_domain_event(notification)
            if isinstance(recorded, BehaviourEvent.Recorded):
                found.append(
                    LoggedBehaviour(
                        notification_id=notification.id,
                        subject=recorded.subject,
                        client_id=recorded.client_id,
                        kind=recorded.kind,
                        at=recorded.at,
                        client_at=recorded.client_at,
                        received_at=recorded.received_at,
                        fields=recorded.fields,
                    )
                )
        return found

    def max_notification_id(self) -> int:
        return int(self.recorder.max_notification_id() or 0)

    @staticmethod
    def _aggregate(event: NewBehaviour, received_at: datetime) -> BehaviourEvent:
        return BehaviourEvent(
            subject=event.subject,
            client_id=event.client_id,
            kind=event.kind,
            at=event.at,
            client_at=event.client_at,
            received_at=received_at,
            fields=event.fields,
        )
