"""What the sandbox remembers: login and phone codes, access tokens, transactions, refunds,
and (in ``oa_state``) followers, subscribe-message credits and the messages sent."""

from __future__ import annotations

import base64
import hashlib
import threading
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from .oa_state import MessagingState

FINAL_REFUND_STATES = frozenset({"SUCCESS", "CLOSED"})


@dataclass
class LoginCode:
    user: str
    openid: str
    unionid: str | None
    expires_at: datetime
    used: bool = False


@dataclass
class PhoneCode:
    """What ``getPhoneNumber`` gave the mini-program: a code for the user's bound phone."""

    user: str
    pure_phone_number: str
    country_code: str
    expires_at: datetime
    used: bool = False

    @property
    def phone_number(self) -> str:
        """Like WeChat: the bare number in China, ``+<country code> <number>`` elsewhere."""
        if self.country_code == "86":
            return self.pure_phone_number
        return f"+{self.country_code} {self.pure_phone_number}"


@dataclass
class Transaction:
    out_trade_no: str
    prepay_id: str
    appid: str
    mchid: str
    description: str
    total: int
    payer_openid: str
    notify_url: str
    attach: str
    time_expire: datetime | None
    trade_state: str = "NOTPAY"
    transaction_id: str | None = None
    success_time: str | None = None
    notification_id: str | None = None

    def state_at(self, now: datetime) -> str:
        """An unpaid order past its time_expire is CLOSED."""
        expired = self.time_expire is not None and now >= self.time_expire
        if self.trade_state == "NOTPAY" and expired:
            return "CLOSED"
        return self.trade_state


@dataclass
class Refund:
    refund_id: str
    out_refund_no: str
    out_trade_no: str
    transaction_id: str
    refund: int
    total: int
    reason: str
    notify_url: str
    create_time: str
    status: str = "PROCESSING"
    success_time: str | None = None
    notification_id: str = field(default_factory=lambda: _uuid())


@dataclass
class AccessToken:
    value: str
    expires_at: datetime

    def check(self, value: str, now: datetime) -> tuple[int, str] | None:
        """None when ``value`` is this token and still valid, else WeChat's errcode/errmsg."""
        if value != self.value:
            return 40001, "invalid credential, access_token is invalid or not latest"
        if now >= self.expires_at:
            return 42001, "access_token expired"
        return None


@dataclass
class SandboxState:
    lock: threading.RLock = field(default_factory=threading.RLock)
    login_codes: dict[str, LoginCode] = field(default_factory=dict)
    phone_codes: dict[str, PhoneCode] = field(default_factory=dict)
    transactions: dict[str, Transaction] = field(default_factory=dict)
    refunds: dict[str, Refund] = field(default_factory=dict)
    tokens: dict[str, AccessToken] = field(default_factory=dict)
    token_requests: int = 0
    users: dict[str, str] = field(default_factory=dict)
    messaging: MessagingState = field(default_factory=MessagingState)

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Every subscribe / template message accepted so far (the live list: hold the lock)."""
        return self.messaging.messages

    def remember(self, openid: str, user: str) -> str:
        """Openids are one-way hashes: keep the way back to the user they belong to."""
        self.users[openid] = user
        return openid

    def refunded(self, out_trade_no: str) -> int:
        """Fen refunded or being refunded (every refund not CLOSED)."""
        return sum(
            refund.refund
            for refund in self.refunds.values()
            if refund.out_trade_no == out_trade_no and refund.status != "CLOSED"
        )

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "transactions": {k: _plain(asdict(v)) for k, v in self.transactions.items()},
                "refunds": {k: _plain(asdict(v)) for k, v in self.refunds.items()},
                "token_requests": self.token_requests,
            }


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in record.items()}


def _uuid() -> str:
    return str(uuid.uuid4())


def _digest(*parts: str) -> bytes:
    return hashlib.sha256(":".join(parts).encode()).digest()


def openid_for(appid: str, user: str) -> str:
    """Stable per (app, user), 28 characters like real openids."""
    return "o" + base64.urlsafe_b64encode(_digest("openid", appid, user)).decode()[:27]


def unionid_for(user: str) -> str:
    """Stable per user across apps, like a real unionid."""
    return "u" + base64.urlsafe_b64encode(_digest("unionid", user)).decode()[:27]


def _digits(count: int, *parts: str) -> str:
    return str(int.from_bytes(_digest(*parts), "big") % 10**count).zfill(count)


def phone_for(user: str) -> str:
    """A stable mainland mobile number (11 digits, 13x) per user."""
    return "13" + _digits(9, "phone", user)


def transaction_id_for(out_trade_no: str) -> str:
    return "4200" + _digits(24, "transaction", out_trade_no)


def refund_id_for(out_refund_no: str) -> str:
    return "5030" + _digits(26, "refund", out_refund_no)


def new_id() -> str:
    return _uuid()
