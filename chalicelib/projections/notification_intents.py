"""Intents: one message to one member for one business moment, written by the
notification_triggers projection and read back by the sender.

An intent's id names its trigger and subject (`notify:order_paid:<order>`), so
the outbox, which ignores a known id, never holds two messages for one moment:
a rebuild or a redelivered event enqueues nothing new. Its document in the
`intents` view carries the payload plus a status the projection keeps current:
a delayed reminder whose reason went away (the coupon was used, the refund
requested) is `cancelled`, and the sender, which re-reads the document before
sending, suppresses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from ..domain.calendar import BEIJING
from ..domain.notify_triggers import intent_id_for
from ..domain.outbox_messages import NotifyMessage
from .base import Doc, ViewWriter, plain, rank_time

INTENTS = "intents"
QUEUED, CANCELLED = "queued", "cancelled"


intent_id = intent_id_for


def yuan(fen: int) -> str:
    """12_30 fen -> "¥12.30" (the template's amount type accepts it as is)."""
    sign = "-" if fen < 0 else ""
    return f"{sign}¥{abs(fen) // 100}.{abs(fen) % 100:02d}"


def beijing_time(moment: datetime | str) -> str:
    """Times as the member reads them: Beijing, to the minute."""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Intent:
    trigger: str
    subject: tuple[object, ...]
    member_id: str
    page: str
    fields: dict[str, str]
    due_at: datetime | None = None
    expires_at: datetime | None = None
    extra: tuple[tuple[str, Any], ...] = ()  # what the queries need to judge relevance

    @property
    def id(self) -> str:
        return intent_id(self.trigger, *self.subject)

    def message(self) -> NotifyMessage:
        """The outbox message that delivers it (the intent document less its
        bookkeeping: status, due time, what the queries judge relevance by)."""
        return NotifyMessage(
            intent_id=self.id,
            trigger=self.trigger,
            member_id=UUID(self.member_id),
            page=self.page,
            fields=self.fields,
            expires_at=self.expires_at,
        )


class Intents:
    """The projection's writes of intents, plus the settings its rules need."""

    def __init__(self, views: ViewWriter, after_sales_window: timedelta) -> None:
        self.views = views
        self.after_sales_window = after_sales_window

    def queue(self, intent: Intent) -> None:
        """Writes the intent and enqueues its message, once. Queued again, a
        waiting intent takes the new figures (the points now expiring), and a
        cancelled one that became relevant again is reopened (its message, if
        already handled, is still not sent twice)."""
        doc = self.views.get(INTENTS, intent.id)
        if doc is not None:
            if doc["status"] != QUEUED or doc["fields"] != intent.fields:
                self._put(dict(doc, status=QUEUED, fields=intent.fields))
            return
        message = intent.message()
        payload = message.to_payload()
        doc = {
            **payload,
            "status": QUEUED,
            "due_at": plain(intent.due_at),
            **dict(intent.extra),
        }
        self._put(doc)
        self.views.enqueue(message.message_id, message.kind, payload, not_before=intent.due_at)

    def known(self, intent_id: str) -> bool:
        return self.views.get(INTENTS, intent_id) is not None

    def reopen(self, intent_id: str) -> None:
        """A cancelled intent matters again (the coupon came back unused)."""
        doc = self.views.get(INTENTS, intent_id)
        if doc is not None and doc["status"] == CANCELLED:
            self._put(dict(doc, status=QUEUED))

    def cancel(self, intent_id: str) -> None:
        doc = self.views.get(INTENTS, intent_id)
        if doc is not None and doc["status"] == QUEUED:
            self._put(dict(doc, status=CANCELLED))

    def _put(self, doc: Doc) -> None:
        due = doc["due_at"]
        rank = rank_time(datetime.fromisoformat(due)) if due else ""
        self.views.put(INTENTS, doc["intent_id"], doc, group=doc["member_id"], rank=rank)
