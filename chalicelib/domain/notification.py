"""What became of one notification intent: sent, failed or suppressed, once.

The never-twice protocol rests on this aggregate. Before calling WeChat the
sender records `Dispatched` (in the same write as the credit it consumes);
after the call it records `Sent`, `Failed` or `DispatchAbandoned` (the call
surely did not go out: the intent is ready again). A `Dispatched` with nothing
after it means the sender stopped mid-call: whether WeChat got the message is
unknown, so it is only ever repeated where WeChat deduplicates it (a template
message with the same `client_msg_id`, within 10 minutes).

Every event names the intent, trigger, member and template (the one used, or
that would have been), so the operators' read model needs no state lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .errors import InvalidTransition
from .notify_triggers import notification_id_for

SENT, FAILED, SUPPRESSED = "sent", "failed", "suppressed"


@dataclass(frozen=True)
class Dispatch:
    channel: str
    template_id: str
    touser: str
    client_msg_id: str
    at: datetime


class About(TypedDict):
    intent_id: str
    trigger: str
    member_id: UUID
    template_id: str
    at: datetime


class Notification(Aggregate):
    @staticmethod
    def create_id(intent_id: str, trigger: str, member_id: UUID, at: datetime) -> UUID:
        return notification_id_for(intent_id)

    class Considered(Aggregate.Created):
        """The sender took the intent up for the first time."""

        intent_id: str
        trigger: str
        member_id: UUID
        at: datetime

    @event(Considered)
    def __init__(self, intent_id: str, trigger: str, member_id: UUID, at: datetime) -> None:
        self.intent_id = intent_id
        self.trigger = trigger
        self.member_id = member_id
        self.outcome: str | None = None
        self.template_id = ""
        self.reason = ""
        self.pending: Dispatch | None = None
        self.channel: str | None = None
        self.msgid: int | None = None
        self.delivery: str | None = None
        self.deferred_until: datetime | None = None

    @property
    def client_msg_id(self) -> str:
        """The same for every attempt of this intent, so WeChat can deduplicate them."""
        return self.id.hex

    class Fact(Aggregate.Event):
        """What every later event says about the notification it belongs to."""

        intent_id: str
        trigger: str
        member_id: UUID
        template_id: str
        at: datetime

    def _about(self, template_id: str, at: datetime) -> About:
        return About(
            intent_id=self.intent_id,
            trigger=self.trigger,
            member_id=self.member_id,
            template_id=template_id,
            at=at,
        )

    def _require_open(self) -> None:
        if self.outcome is not None:
            raise InvalidTransition(f"the notification is already {self.outcome}")

    def dispatch(self, channel: str, template_id: str, touser: str, at: datetime) -> None:
        self._require_open()
        if self.pending is not None:
            raise InvalidTransition("the notification is already being sent")
        self._dispatched(
            **self._about(template_id, at),
            channel=channel,
            touser=touser,
            client_msg_id=self.client_msg_id,
        )

    class Dispatched(Fact):
        channel: str
        touser: str
        client_msg_id: str

    @event(Dispatched)
    def _dispatched(
        self,
        intent_id: str,
        trigger: str,
        member_id: UUID,
        template_id: str,
        at: datetime,
        channel: str,
        touser: str,
        client_msg_id: str,
    ) -> None:
        self.pending = Dispatch(channel, template_id, touser, client_msg_id, at)

    def record_sent(self, msgid: int | None, at: datetime) -> None:
        if self.pending is None:
            raise InvalidTransition("nothing was dispatched")
        pending = self.pending
        self._sent(**self._about(pending.template_id, at), channel=pending.channel, msgid=msgid)

    class Sent(Fact):
        channel: str
        msgid: int | None

    @event(Sent)
    def _sent(
        self,
        intent_id: str,
        trigger: str,
        member_id: UUID,
        template_id: str,
        at: datetime,
        channel: str,
        msgid: int | None,
    ) -> None:
        self.outcome, self.pending, self.channel, self.msgid = SENT, None, channel, msgid
        self.template_id = template_id

    def abandon_dispatch(self, reason: str, at: datetime) -> None:
        """The call surely did not go out: ready to be dispatched again."""
        if self.pending is None:
            raise InvalidTransition("nothing was dispatched")
        self._dispatch_abandoned(
            **self._about(self.pending.template_id, at), reason=reason, channel=self.pending.channel
        )

    class DispatchAbandoned(Fact):
        reason: str
        channel: str

    @event(DispatchAbandoned)
    def _dispatch_abandoned(
        self,
        intent_id: str,
        trigger: str,
        member_id: UUID,
        template_id: str,
        at: datetime,
        reason: str,
        channel: str,
    ) -> None:
        self.pending = None

    def fail(self, reason: str, template_id: str, at: datetime) -> None:
        self._require_open()
        pending = self.pending
        self._failed(
            **self._about(pending.template_id if pending else template_id, at),
            reason=reason,
            channel=pending.channel if pending else None,
        )

    class Failed(Fact):
        reason: str
        channel: str | None

    @event(Failed)
    def _failed(
        self,
        intent_id: str,
        trigger: str,
        member_id: UUID,
        template_id: str,
        at: datetime,
        reason: str,
        channel: str | None,
    ) -> None:
        self.outcome, self.reason, self.pending, self.channel = FAILED, reason, None, channel

    def suppress(self, reason: str, template_id: str, at: datetime) -> None:
        self._require_open()
        if self.pending is not None:
            raise InvalidTransition("a dispatched notification cannot be suppressed")
        self._suppressed(**self._about(template_id, at), reason=reason)

    class Suppressed(Fact):
        reason: str

    @event(Suppressed)
    def _suppressed(
        self,
        intent_id: str,
        trigger: str,
        member_id: UUID,
        template_id: str,
        at: datetime,
        reason: str,
    ) -> None:
        self.outcome, self.reason = SUPPRESSED, reason

    def defer(self, until: datetime, template_id: str, at: datetime) -> None:
        """Waiting for the end of quiet hours; deferring to the same moment again records
        nothing (the outbox may deliver the intent twice)."""
        self._require_open()
        if until != self.deferred_until:
            self._deferred(**self._about(template_id, at), until=until)

    class Deferred(Fact):
        until: datetime

    @event(Deferred)
    def _deferred(
        self,
        intent_id: str,
        trigger: str,
        member_id: UUID,
        template_id: str,
        at: datetime,
        until: datetime,
    ) -> None:
        self.deferred_until = until

    def record_delivery(self, status: str, at: datetime) -> bool:
        """WeChat's delivery report of a sent template message; the same report again
        records nothing (returns False)."""
        if self.outcome != SENT:
            raise InvalidTransition("only a sent notification is delivered")
        if status == self.delivery:
            return False
        self._delivered(**self._about(self.template_id, at), status=status)
        return True

    class Delivered(Fact):
        status: str

    @event(Delivered)
    def _delivered(
        self,
        intent_id: str,
        trigger: str,
        member_id: UUID,
        template_id: str,
        at: datetime,
        status: str,
    ) -> None:
        self.delivery = status


class TemplateMsgIndex(Aggregate):
    """Finds the notification a template message's delivery report is about:
    WeChat reports only the msgid. Created in the same write as the `Sent`."""

    @staticmethod
    def create_id(msgid: int, notification_id: UUID) -> UUID:
        return template_msg_index_id_for(msgid)

    class Indexed(Aggregate.Created):
        msgid: int
        notification_id: UUID

    @event(Indexed)
    def __init__(self, msgid: int, notification_id: UUID) -> None:
        self.msgid = msgid
        self.notification_id = notification_id


def template_msg_index_id_for(msgid: int | str) -> UUID:
    return uuid5(NAMESPACE_URL, f"miniloop:oa-msgid:{msgid}")
