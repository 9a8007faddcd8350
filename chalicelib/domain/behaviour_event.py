"""One behaviour event as the behaviour log keeps it: an aggregate of one event
whose id comes from who reported it and the client's event id, so a resent
event collides with the one already recorded instead of counting twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .ids import NAMESPACE

INSTALL_LINKED = "install_linked"
"""The kind of the event a login with an install id records (subject: the
install; fields: member_id), so launches before login can be credited."""


def behaviour_event_id(subject: str, client_id: str) -> UUID:
    return uuid5(NAMESPACE, f"behaviour:{subject}/{client_id}")


class BehaviourEvent(Aggregate):
    @staticmethod
    def create_id(subject: str, client_id: str) -> UUID:
        return behaviour_event_id(subject, client_id)

    class Recorded(Aggregate.Created):
        subject: str
        client_id: str
        kind: str
        at: datetime
        client_at: str
        received_at: datetime
        fields: dict[str, Any]

    @event(Recorded)
    def __init__(
        self,
        subject: str,
        client_id: str,
        kind: str,
        at: datetime,
        client_at: str,
        received_at: datetime,
        fields: dict[str, Any],
    ) -> None:
        self.subject = subject
        self.client_id = client_id
        self.kind = kind
        self.at = at
        self.client_at = client_at
        self.received_at = received_at
        self.fields = fields
