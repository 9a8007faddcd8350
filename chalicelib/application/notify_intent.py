"""A notification intent as the sender reads it from its outbox payload, and the
call the sender hands to WeChat once the dispatch is recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from ..domain.notify_triggers import TRIGGERS, Trigger
from .errors import InvalidInput


@dataclass(frozen=True)
class FollowerView:
    """The member's follower record in the official account, from the read model."""

    oa_openid: str
    following: bool


@dataclass(frozen=True)
class Intent:
    intent_id: str
    trigger: Trigger
    member_id: UUID
    page: str
    fields: dict[str, str]
    expires_at: datetime | None

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Intent:
        """InvalidInput names the first field that is missing or wrong."""
        for name in ("intent_id", "trigger", "member_id"):
            if not payload.get(name):
                raise InvalidInput(name, f"the intent has no {name}")
        if payload["trigger"] not in TRIGGERS:
            raise InvalidInput("trigger", f"no trigger {payload['trigger']!r}")
        try:
            member_id = UUID(str(payload["member_id"]))
            expires_at = payload.get("expires_at")
            expiry = datetime.fromisoformat(expires_at) if expires_at else None
            fields = {str(k): str(v) for k, v in dict(payload.get("fields") or {}).items()}
        except (TypeError, ValueError) as error:
            raise InvalidInput("payload", f"not a notification intent: {error}") from None
        if expiry is not None and expiry.tzinfo is None:
            raise InvalidInput("expires_at", "a time with its UTC offset")
        return cls(
            intent_id=str(payload["intent_id"]),
            trigger=TRIGGERS[payload["trigger"]],
            member_id=member_id,
            page=str(payload.get("page") or ""),
            fields=fields,
            expires_at=expiry,
        )


@dataclass(frozen=True)
class Call:
    """A message recorded as dispatched, ready to hand to WeChat."""

    channel: str
    template_id: str
    touser: str
    client_msg_id: str
    page: str
    data: dict[str, dict[str, str]]
