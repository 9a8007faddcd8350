"""What the idempotency-key stores keep: a claim, and the answer it produced."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class StoredAnswer:
    """The first answer, as the caller received it."""

    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class KeyRecord:
    """A live key: the request it was first used with, and its answer once there
    is one (None while that request still runs)."""

    fingerprint: str
    answer: StoredAnswer | None


@dataclass(frozen=True)
class Claim:
    """One request's attempt to take a key."""

    claim_id: str
    fingerprint: str
    now: datetime
    lease_until: datetime
    expires_at: datetime
