"""What the application needs from the outside world, as protocols."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from ..domain.timers import TimerKind


class PaymentGateway(Protocol):
    def jsapi_prepay(
        self,
        *,
        out_trade_no: str,
        description: str,
        total_fen: int,
        payer_openid: str,
        time_expire: datetime | None = None,
        attach: str | None = None,
    ) -> str: ...

    def payment_params(self, prepay_id: str) -> dict[str, str]: ...


class DueTimers(Protocol):
    def due(self, kind: TimerKind, now: datetime, limit: int = 200) -> list[UUID]:
        """Ids of the aggregates whose `kind` timer is due (domain/timers.py): orders
        (unpaid, auto_receive, complete), points accounts (points_expiry), members
        (level_review, birthday), campaigns (campaign_end) and group-buy teams
        (team_expiry)."""


class RateLimits(Protocol):
    """Fixed-window limits shared by every process of a runtime
    (adapters/rate_limits.py): `take` spends `units` of `key`'s window only
    when they all fit."""

    def take(self, key: str, units: int, limit: int, window_s: int, now: datetime) -> int | None:
        """None when spent; else the seconds until the window ends."""


class Vault(Protocol):
    """Seals personal data under its owner's own key (adapters/pii): a member's,
    or an official-account follower's (keyed by the follower id)."""

    def seal(self, member_id: UUID, text: str) -> str: ...

    def seal_json(self, member_id: UUID, obj: dict[str, Any]) -> str: ...

    def open(self, member_id: UUID, sealed: str | None) -> str | None:
        """The text, or None once the key is shredded (or nothing was sealed)."""

    def shred(self, member_id: UUID) -> None:
        """Deletes the member's key: everything sealed under it reads as redacted."""

    def is_sealed(self, value: str) -> bool:
        """Whether the value is one `seal` made (else it was recorded in clear)."""


class Pseudonyms(Protocol):
    def of(self, kind: str, value: str) -> str:
        """A keyed hash of a WeChat identity ("openid" or "unionid", the value):
        stable, and telling nothing without the server's secret."""


@dataclass(frozen=True)
class FiledFollower:
    """An official-account follower as the followers read model files it: its
    openid stays sealed under the follower's key."""

    follower_id: UUID
    sealed_openid: str
    following: bool


class FollowerLookup(Protocol):
    def follower_filed_under(self, unionid_key: str) -> FiledFollower | None:
        """The follower filed under this unionid key (a keyed pseudonym of the
        unionid; for followers recorded by version 1, the unionid), if any."""


class Deferred(Exception):
    """Not now: the outbox should offer the message again at `until`, without
    counting it as a failed attempt (a marketing message in quiet hours)."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"deferred until {until.isoformat()}")
        self.until = until


class MessageRefused(Exception):
    """WeChat answered and refused the message (43101 no credit, 47003 a bad field,
    43004 not a follower, ...): it was not sent, and sending it again as is
    would be refused again."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"wechat {code}: {message}")
        self.code = code
        self.message = message


class MessengerUnavailable(Exception):
    """The message surely did not go out (no connection, WeChat busy: -1); worth a
    retry later. A failure that leaves it unknown whether WeChat got the message
    must not be reported as this."""


class MessageOutcomeUnknown(Exception):
    """WeChat may have sent the message but its answer was lost (a timeout or a
    dropped connection after the request went out, a 5xx). Sending it again may
    send it twice, unless WeChat drops the copy (a template message's
    `client_msg_id`, within 10 minutes)."""


class Messenger(Protocol):
    def send_subscribe(
        self, *, openid: str, template_id: str, page: str, data: dict[str, dict[str, str]]
    ) -> None:
        """A mini-program subscribe message to the member's mini-program openid."""

    def send_template(
        self,
        *,
        openid: str,
        template_id: str,
        data: dict[str, dict[str, str]],
        pagepath: str,
        client_msg_id: str,
    ) -> int:
        """An official-account template message to the follower's OA openid, jumping to
        the mini-program page; returns WeChat's msgid."""


class FollowerDirectory(Protocol):
    def user_info(self, openid: str) -> str | None:
        """The unionid of the official account's follower (cgi-bin/user/info), or None
        when WeChat does not tell it (not following, no Open Platform binding)."""


@dataclass(frozen=True)
class FollowerView:
    """The member's follower record in the official account, as the outbox handler
    reads it from the followers read model for the sender."""

    oa_openid: str
    following: bool
