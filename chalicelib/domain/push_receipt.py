"""The receipt of one WeChat push message, so a message delivered again
(WeChat retries up to 3 times when it hears nothing within 5 seconds) is
recognised and changes nothing more.

Its id comes from the message's dedupe key, and the receipt is saved in the
same atomic write as whatever the message changed: a second delivery either
finds the receipt or collides with it (IntegrityError), never both applying.
It keeps the reply it was answered with, so a repeated text message gets the
same answer. An event push's key holds the sender's openid: the receipt records
only the key's SHA-256 digest (receipts of earlier versions hold the key).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


def push_dedupe_key(message: Mapping[str, str]) -> str:
    """`MsgId` for messages; for events FromUserName + CreateTime (WeChat's rule),
    with the event and its MsgID so two reports in one second stay apart."""
    if message.get("MsgId"):
        return f"msg:{message['MsgId']}"
    parts = [message.get(name, "") for name in ("FromUserName", "CreateTime", "Event", "MsgID")]
    return "event:" + ":".join(parts)


def push_receipt_id_for(source: str, key: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"miniloop:push:{source}:{key}")


def key_digest(key: str) -> str:
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


class PushReceipt(Aggregate):
    """source: which push (`oa` the official account, `mp` the mini-program)."""

    @classmethod
    def record(
        cls, source: str, key: str, kind: str, reply: str | None, at: datetime
    ) -> PushReceipt:
        """The receipt of the push with this dedupe key, recording its digest."""
        return cls._create(
            cls.Received,
            id=push_receipt_id_for(source, key),
            source=source,
            key=key_digest(key),
            kind=kind,
            reply=reply,
            at=at,
        )

    @staticmethod
    def create_id(source: str, key: str, kind: str, reply: str | None, at: datetime) -> UUID:
        return push_receipt_id_for(source, key)

    class Received(Aggregate.Created):
        source: str
        key: str
        kind: str
        reply: str | None
        at: datetime

    @event(Received)
    def __init__(self, source: str, key: str, kind: str, reply: str | None, at: datetime) -> None:
        self.source = source
        self.key = key
        self.kind = kind
        self.reply = reply
        self.at = at
