"""Idempotency keys: the first answer to a keyed command, kept so a repeat of
that command is answered again instead of run again (chalicelib/api/idempotency.py).

A key is claimed by one request with a conditional insert and holds, until it
expires, either that request's claim (pending) or its stored answer. A claim
lapses when its lease ends, so a request that died mid-way (a crashed process,
a timed-out function) does not hold its key for a whole day. A store that
cannot answer raises eventsourcing's OperationalError (answered 503)."""

from __future__ import annotations

from typing import Protocol

from .dynamodb_keys import DynamoDBIdempotencyKeys
from .sqlite_keys import SQLiteIdempotencyKeys
from .types import Claim, KeyRecord, StoredAnswer


class IdempotencyKeys(Protocol):
    def claim(self, scope: str, claim: Claim) -> KeyRecord | None:
        """Takes the key for `claim` and answers None, unless a live record holds
        it: then that record. A record is live until `expires_at`; a pending one
        only until its `lease_until` too."""

    def complete(self, scope: str, claim_id: str, answer: StoredAnswer) -> None:
        """Stores the first answer, if the key is still held by `claim_id`."""

    def release(self, scope: str, claim_id: str) -> None:
        """Frees the key, if it is still held by `claim_id`: a retry runs again."""


__all__ = [
    "Claim",
    "DynamoDBIdempotencyKeys",
    "IdempotencyKeys",
    "KeyRecord",
    "SQLiteIdempotencyKeys",
    "StoredAnswer",
]
