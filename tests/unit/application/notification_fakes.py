"""Fakes of the notification ports (the outside world: WeChat), for the
application tests. They behave like WeChat where the sender relies on it:
template messages deduplicate by client_msg_id, refusals carry errcodes."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from chalicelib.adapters.outbox_dispatch import OutboxMessage
from chalicelib.application import Shop
from chalicelib.application.ports import (
    FollowerView,
    MessageOutcomeUnknown,
    MessageRefused,
    MessengerUnavailable,
)
from chalicelib.domain.notification import Notification
from chalicelib.domain.notify_triggers import notification_id_for
from chalicelib.domain.outbox_messages import NotifyMessage
from chalicelib.outbox_handlers import read_message

MP_OPENID = "o-alice"  # the conftest member's mini-program openid


class SenderCrashed(Exception):
    """The sender process died after WeChat accepted the message, before recording it."""


@dataclass
class FakeMessenger:
    refuse_subscribe: int | None = None
    refuse_template: int | None = None
    unavailable: bool = False
    crash_after_send: bool = False
    lose_answer: bool = False
    sent: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _msgids: dict[tuple[str, str], int] = field(default_factory=dict)

    def send_subscribe(
        self, *, openid: str, template_id: str, page: str, data: dict[str, dict[str, str]]
    ) -> None:
        self._answer(self.refuse_subscribe)
        with self._lock:
            self.sent.append(
                {
                    "channel": "subscribe",
                    "touser": openid,
                    "template_id": template_id,
                    "page": page,
                    "data": data,
                }
            )
        self._maybe_crash()

    def send_template(
        self,
        *,
        openid: str,
        template_id: str,
        data: dict[str, dict[str, str]],
        pagepath: str,
        client_msg_id: str,
    ) -> int:
        self._answer(self.refuse_template)
        with self._lock:
            key = (openid, client_msg_id)
            if key not in self._msgids:  # WeChat drops a copy within 10 minutes
                self._msgids[key] = 1000 + len(self._msgids)
                self.sent.append(
                    {
                        "channel": "template",
                        "touser": openid,
                        "template_id": template_id,
                        "page": pagepath,
                        "data": data,
                        "client_msg_id": client_msg_id,
                    }
                )
            msgid = self._msgids[key]
        self._maybe_crash()
        return msgid

    def _answer(self, refusal: int | None) -> None:
        if self.unavailable:
            raise MessengerUnavailable("wechat -1 system busy")
        if refusal is not None:
            raise MessageRefused(refusal, "refused")

    def _maybe_crash(self) -> None:
        if self.crash_after_send:
            raise SenderCrashed("killed after the call returned")
        if self.lose_answer:
            raise MessageOutcomeUnknown("timed out waiting for WeChat's answer")

    def channels(self) -> list[str]:
        return [message["channel"] for message in self.sent]


@dataclass
class FakeDirectory:
    unionids: dict[str, str] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def user_info(self, openid: str) -> str | None:
        self.asked.append(openid)
        return self.unionids.get(openid)


@dataclass
class MemoryOutbox:
    """The outbox port in a dict, to watch what the dispatcher marks."""

    rows: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, message_id: str, kind: str, payload: dict[str, Any], now: datetime) -> None:
        self.rows[message_id] = {
            "id": message_id,
            "kind": kind,
            "payload": payload,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "last_error": "",
        }

    def get(self, message_id: str) -> OutboxMessage | None:
        row = self.rows.get(message_id)
        if row is None or row["status"] in ("sent", "failed"):
            return None
        return OutboxMessage(row["id"], row["kind"], row["payload"], row["attempts"])

    def due(self, now: datetime, limit: int = 50) -> list[OutboxMessage]:
        due = [r["id"] for r in self.rows.values() if r["status"] == "pending"]
        messages = [self.get(i) for i in due if self.rows[i]["next_attempt_at"] <= now]
        return [m for m in messages if m is not None][:limit]

    def claim(self, message_id: str, now: datetime, lease: timedelta) -> bool:
        row = self.rows[message_id]
        if row["status"] != "pending" or row["next_attempt_at"] > now:
            return False
        row.update(status="sending", attempts=row["attempts"] + 1, next_attempt_at=now + lease)
        return True

    def mark_sent(self, message_id: str, now: datetime) -> None:
        self.rows[message_id]["status"] = "sent"

    def mark_retry(self, message_id: str, error: str, at: datetime) -> None:
        self.rows[message_id].update(status="pending", last_error=error, next_attempt_at=at)

    def mark_failed(self, message_id: str, error: str) -> None:
        self.rows[message_id].update(status="failed", last_error=error)

    def messages(self, status: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        return [r for r in self.rows.values() if status in (None, r["status"])][:limit]


def intent(trigger: str, subject: str, member_id: UUID, **extra: Any) -> dict[str, Any]:
    """An intent payload as the notification-triggers projection makes it."""
    fields = {
        "order_no": "a1b2c3d4e5f6a7b8c9d0",
        "amount": "¥12.30",
        "title": "Oolong 250g",
        "time": "2026-11-01 10:05",
        "campaign": "Double 11 tea fair",
        "level": "Gold",
        "points": "120",
        "coupon": "10 off 100",
    }
    return {
        "intent_id": f"notify:{trigger}:{subject}",
        "trigger": trigger,
        "member_id": str(member_id),
        "page": f"pages/orders/detail?id={subject}",
        "fields": fields,
        "expires_at": None,
        **extra,
    }


@pytest.fixture
def messenger(shop: Shop) -> FakeMessenger:
    """The fake WeChat the test's Shop sends through (import it to use it)."""
    fake = shop.ports.messenger
    assert isinstance(fake, FakeMessenger)
    return fake


FOLLOWER = FollowerView(oa_openid="oa-alice", following=True)
PAID_SUB = "sandbox-order_paid-sub"


def send(
    shop: Shop,
    payload: dict[str, Any],
    follower: FollowerView | None = None,
    status: str | None = "queued",
) -> str:
    return shop.notifications.send_notification(
        read_message(NotifyMessage.from_payload, payload),
        intent_status=status,
        follower_of=lambda unionid: follower,
    )


def notification(shop: Shop, payload: dict[str, Any]) -> Notification:
    return shop.store.load(Notification, notification_id_for(str(payload["intent_id"])), "n")


def credits(shop: Shop, member_id: UUID, template_id: str = PAID_SUB) -> int:
    return shop.accounts.inbox_of(member_id).credits_for(template_id)


def grant(shop: Shop, member_id: UUID, *templates: str) -> None:
    shop.subscriptions.grant_subscriptions(
        member_id, {t: "accept" for t in templates or (PAID_SUB,)}
    )
