"""Sends outbox intents through their handlers, at least once, with backoff.

Handlers must be idempotent on the message id (WeChat Pay refunds are, by
out_refund_no), so a crash between sending and marking never doubles an effect.
A handler that raises `Deferred(until)` is not failing: its message waits until
then, with no backoff.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from ..application.ports import Deferred
from ..clock import Clock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboxMessage:
    id: str
    kind: str
    payload: dict[str, Any]
    attempts: int


class Outbox(Protocol):
    def get(self, message_id: str) -> OutboxMessage | None:
        """The message if it is still to be sent, else None."""

    def due(self, now: datetime, limit: int = 50) -> list[OutboxMessage]: ...

    def claim(self, message_id: str, now: datetime, lease: timedelta) -> bool: ...

    def mark_sent(self, message_id: str, now: datetime) -> None: ...

    def mark_retry(self, message_id: str, error: str, at: datetime) -> None: ...

    def mark_failed(self, message_id: str, error: str) -> None: ...

    def messages(self, status: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Recent messages, newest first, for the admin page."""


OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")
"""A message's status in either outbox store (SQLite, DynamoDB)."""

Handler = Callable[[dict[str, Any]], None]
Retry = Callable[[str, timedelta], None]


class OutboxDispatcher:
    def __init__(
        self,
        outbox: Outbox,
        handlers: Mapping[str, Handler],
        clock: Clock,
        *,
        transient: tuple[type[Exception], ...],
        permanent: tuple[type[Exception], ...],
        max_attempts: int = 12,
        lease: timedelta = timedelta(minutes=2),
        on_retry: Retry | None = None,
    ) -> None:
        self.outbox = outbox
        self.handlers = handlers
        self.clock = clock
        self.transient = transient
        self.permanent = permanent
        self.max_attempts = max_attempts
        self.lease = lease
        self.on_retry = on_retry

    def dispatch_due(self) -> int:
        sent = 0
        for message in self.outbox.due(self.clock.now()):
            if self.outbox.claim(message.id, self.clock.now(), self.lease):
                sent += self._send(message)
        return sent

    def send_one(self, message_id: str) -> int:
        """Sends one message if it is still open and no other sender holds it."""
        message = self.outbox.get(message_id)
        if message is None or not self.outbox.claim(message.id, self.clock.now(), self.lease):
            return 0
        return self._send(message)

    def _send(self, message: OutboxMessage) -> int:
        handler = self.handlers.get(message.kind)
        if handler is None:
            self.outbox.mark_failed(message.id, f"no handler for {message.kind}")
            return 0
        try:
            handler(message.payload)
        except Deferred as deferred:
            self._defer(message, deferred.until)
            return 0
        except self.permanent as error:
            log.warning("outbox %s failed for good: %s", message.id, error)
            self.outbox.mark_failed(message.id, str(error))
            return 0
        except self.transient as error:
            attempts = message.attempts + 1
            if attempts >= self.max_attempts:
                self.outbox.mark_failed(message.id, f"gave up after {attempts}: {error}")
            else:
                delay = timedelta(seconds=min(3600, 5 * 2**attempts))
                self.outbox.mark_retry(message.id, str(error), self.clock.now() + delay)
                if self.on_retry is not None:
                    self.on_retry(message.id, delay)
            return 0
        self.outbox.mark_sent(message.id, self.clock.now())
        return 1

    def _defer(self, message: OutboxMessage, until: datetime) -> None:
        """The message waits until `until`: no backoff, no error logged, never given up
        for it (only the claim that delivered it is in the store's attempt count)."""
        self.outbox.mark_retry(message.id, f"deferred until {until.isoformat()}", until)
        if self.on_retry is not None:
            self.on_retry(message.id, max(timedelta(0), until - self.clock.now()))
