"""A signed push's (timestamp, nonce) pair, seen once.

WeChat's push signature covers the token, the timestamp and the nonce: an
observed request could be sent again, and in plain mode with any body. The
endpoint refuses timestamps more than five minutes from now, and claims the
pair here before the push is processed; the id comes from (endpoint,
timestamp, nonce), so a second claim finds it or collides with it
(IntegrityError) and the replay changes nothing. A claim is released when the
push could not be processed (the shop was busy and WeChat was asked to retry),
so a retry carrying the same pair is not mistaken for a replay.
"""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


def push_nonce_id_for(endpoint: str, timestamp: str, nonce: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"miniloop:push-nonce:{endpoint}:{timestamp}:{nonce}")


class PushNonce(Aggregate):
    """endpoint: which push (`oa` the official account, `mp` the mini-program)."""

    @staticmethod
    def create_id(endpoint: str, signed_timestamp: str, nonce: str, at: datetime) -> UUID:
        return push_nonce_id_for(endpoint, signed_timestamp, nonce)

    class Claimed(Aggregate.Created):
        endpoint: str
        signed_timestamp: str
        """The push's own `timestamp` query parameter, as signed."""
        nonce: str
        at: datetime

    @event(Claimed)
    def __init__(self, endpoint: str, signed_timestamp: str, nonce: str, at: datetime) -> None:
        self.endpoint = endpoint
        self.signed_timestamp = signed_timestamp
        self.nonce = nonce
        self.at = at
        self.released = False

    @event("Released")
    def release(self, at: datetime) -> None:
        self.released = True

    @event("Reclaimed")
    def reclaim(self, at: datetime) -> None:
        self.released = False
