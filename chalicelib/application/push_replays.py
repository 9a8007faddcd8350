"""Remembering the signed (timestamp, nonce) pairs of WeChat's pushes, so a
replayed request has no effect (domain/push_nonce.py).

The pairs are aggregates in the event store, so every instance of either
runtime (threads of the local server, Lambda instances) sees the same ones,
and two concurrent claims of one pair are decided by optimistic concurrency:
one saves, the other collides, reloads and finds the pair taken. Timestamps
older than five minutes are refused before a claim (adapters/wechat/oa_crypto.py),
so a pair only needs remembering for that long; the store keeps it for good.
"""

from __future__ import annotations

from ..domain.push_nonce import PushNonce, push_nonce_id_for
from .store import EventStore, retry_on_conflict


class PushReplays:
    def __init__(self, store: EventStore) -> None:
        self.store = store

    @retry_on_conflict
    def claim(self, endpoint: str, timestamp: str, nonce: str) -> bool:
        """True the first time a pair is seen (or again after a release): process the
        push; False for a replay: change nothing."""
        now = self.store.clock.now()
        seen = self.store.find(PushNonce, push_nonce_id_for(endpoint, timestamp, nonce))
        if seen is None:
            self.store.save(PushNonce(endpoint, timestamp, nonce, now))
            return True
        if not seen.released:
            return False
        seen.reclaim(now)
        self.store.save(seen)
        return True

    @retry_on_conflict
    def release(self, endpoint: str, timestamp: str, nonce: str) -> None:
        """The push was not processed (answered "retry later"): its pair may come again."""
        seen = self.store.find(PushNonce, push_nonce_id_for(endpoint, timestamp, nonce))
        if seen is not None and not seen.released:
            seen.release(self.store.clock.now())
            self.store.save(seen)
