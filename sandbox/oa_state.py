"""What the sandbox remembers about messaging: who follows the official account, the
subscribe-message credits users granted, and every message WeChat accepted.

Callers hold ``SandboxState.lock``: these records change together with the token checks
and user lookups of one request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

CLIENT_MSG_ID_WINDOW = timedelta(minutes=10)
FIRST_MSGID = 2_600_000_001


@dataclass
class Follow:
    """A user's relation to the official account (kept after unfollowing: user/info
    still knows the openid)."""

    openid: str
    following: bool
    since: datetime
    scene: str | None = None


@dataclass
class SentTemplate:
    msgid: int
    at: datetime


@dataclass
class MessagingState:
    follows: dict[str, Follow] = field(default_factory=dict)
    credits: dict[tuple[str, str], int] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)
    by_client_msg_id: dict[tuple[str, str], SentTemplate] = field(default_factory=dict)
    last_msgid: int = FIRST_MSGID - 1

    def follow(self, user: str, openid: str, at: datetime, scene: str | None) -> None:
        self.follows[user] = Follow(openid, True, at, scene)

    def unfollow(self, user: str, openid: str, at: datetime) -> None:
        self.follows[user] = Follow(openid, False, at)

    def follows_now(self, user: str) -> bool:
        follow = self.follows.get(user)
        return follow is not None and follow.following

    def grant(self, user: str, template_ids: list[str]) -> None:
        """Each acceptance in ``wx.requestSubscribeMessage`` allows one more send."""
        for template_id in template_ids:
            self.credits[user, template_id] = self.credits.get((user, template_id), 0) + 1

    def revoke(self, user: str, template_ids: list[str]) -> None:
        """Switched off in the mini-program's settings: WeChat refuses those sends."""
        for template_id in template_ids:
            self.credits.pop((user, template_id), None)

    def consume(self, user: str, template_id: str) -> bool:
        left = self.credits.get((user, template_id), 0)
        if left <= 0:
            return False
        self.credits[user, template_id] = left - 1
        return True

    def new_msgid(self) -> int:
        self.last_msgid += 1
        return self.last_msgid

    def earlier_send(self, touser: str, client_msg_id: str, now: datetime) -> int | None:
        """The msgid of the same client_msg_id to the same user in the last ten minutes."""
        sent = self.by_client_msg_id.get((touser, client_msg_id))
        if sent is None or now - sent.at >= CLIENT_MSG_ID_WINDOW:
            return None
        return sent.msgid

    def record(self, message: dict[str, Any], at: datetime) -> None:
        self.messages.append(message)
        client_msg_id = message.get("client_msg_id")
        if message["channel"] == "template" and client_msg_id:
            key = (message["touser"], client_msg_id)
            self.by_client_msg_id[key] = SentTemplate(message["msgid"], at)

    def last_template_msgid(self, user: str) -> int | None:
        for message in reversed(self.messages):
            if message["channel"] == "template" and message["user"] == user:
                msgid: int = message["msgid"]
                return msgid
        return None
