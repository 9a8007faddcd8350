"""The outbox messages: each kind, its message id and its payload, defined once.

Projections enqueue them (`kind`, `message_id`, `to_payload()`) and the outbox
handlers (chalicelib/outbox_handlers.py) read them back (`from_payload`). The
payloads are stored and queued as JSON, so their shapes must not change: rows
already in the outbox are read with the same `from_payload`.

- `wechatpay.refund` (RefundMessage): an approved refund, sent to WeChat Pay;
  its id is the refund's out_refund_no, which WeChat Pay deduplicates too.
- `notify` (NotifyMessage): one notification intent, delivered by the sender
  (application/notify_sender.py); its id is the intent id.
- `oa.identify` (IdentifyFollowerMessage): asks WeChat for a follower's unionid;
  its id is `oa.identify:<follower id>` (rows queued before the openid was
  sealed name the OA openid instead, and read as its follower).
- `ops.low_stock` (LowStockMessage): tells the operators a SKU fell to or below
  its low-stock threshold; its id is `ops.low_stock:<sku>:<crossing>`, one per
  crossing of the threshold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Final
from uuid import UUID

from .follower import follower_id_for

REFUND: Final = "wechatpay.refund"
NOTIFY: Final = "notify"
IDENTIFY_FOLLOWER: Final = "oa.identify"
LOW_STOCK: Final = "ops.low_stock"


class MalformedMessage(ValueError):
    """A payload that is not a message of its kind; `field` names the first field
    that is missing or wrong ("payload" when it cannot be told apart)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _required(payload: Mapping[str, Any], *names: str) -> None:
    for name in names:
        if payload.get(name) is None or payload.get(name) == "":
            raise MalformedMessage(name, f"the message has no {name}")


@dataclass(frozen=True)
class RefundMessage:
    """{"out_trade_no", "out_refund_no", "refund_fen", "total_fen", "reason"}."""

    kind: ClassVar[str] = REFUND

    out_trade_no: str
    out_refund_no: str
    refund_fen: int
    total_fen: int
    reason: str | None

    @property
    def message_id(self) -> str:
        return self.out_refund_no

    def to_payload(self) -> dict[str, Any]:
        return {
            "out_trade_no": self.out_trade_no,
            "out_refund_no": self.out_refund_no,
            "refund_fen": self.refund_fen,
            "total_fen": self.total_fen,
            "reason": self.reason,
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> RefundMessage:
        _required(payload, "out_trade_no", "out_refund_no", "refund_fen", "total_fen")
        try:
            refund_fen, total_fen = int(payload["refund_fen"]), int(payload["total_fen"])
        except (TypeError, ValueError) as error:
            raise MalformedMessage("payload", f"not a refund: {error}") from None
        reason = payload.get("reason")
        return cls(
            out_trade_no=str(payload["out_trade_no"]),
            out_refund_no=str(payload["out_refund_no"]),
            refund_fen=refund_fen,
            total_fen=total_fen,
            reason=None if reason is None else str(reason),
        )


@dataclass(frozen=True)
class NotifyMessage:
    """One message to one member for one business moment:
    {"intent_id": "notify:order_paid:<uuid>", "trigger": "order_paid",
     "member_id": "<uuid>", "page": "pages/orders/detail?id=<uuid>",
     "fields": {"order_no": ..., "amount": "¥12.30", ...},
     "expires_at": "<ISO time, UTC>" | null}.
    `trigger` names one of domain/notify_triggers.py's TRIGGERS (the sender
    checks it); `fields` are the semantic values the templates read."""

    kind: ClassVar[str] = NOTIFY

    intent_id: str
    trigger: str
    member_id: UUID
    page: str
    fields: dict[str, str]
    expires_at: datetime | None

    @property
    def message_id(self) -> str:
        return self.intent_id

    def to_payload(self) -> dict[str, Any]:
        expires_at = self.expires_at
        return {
            "intent_id": self.intent_id,
            "trigger": self.trigger,
            "member_id": str(self.member_id),
            "page": self.page,
            "fields": dict(self.fields),
            "expires_at": None if expires_at is None else expires_at.astimezone(UTC).isoformat(),
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> NotifyMessage:
        """MalformedMessage names the first field that is missing or wrong."""
        for name in ("intent_id", "trigger", "member_id"):
            if not payload.get(name):
                raise MalformedMessage(name, f"the intent has no {name}")
        try:
            member_id = UUID(str(payload["member_id"]))
            expires_at = payload.get("expires_at")
            expiry = datetime.fromisoformat(expires_at) if expires_at else None
            fields = {str(k): str(v) for k, v in dict(payload.get("fields") or {}).items()}
        except (TypeError, ValueError) as error:
            raise MalformedMessage("payload", f"not a notification intent: {error}") from None
        if expiry is not None and expiry.tzinfo is None:
            raise MalformedMessage("expires_at", "a time with its UTC offset")
        return cls(
            intent_id=str(payload["intent_id"]),
            trigger=str(payload["trigger"]),
            member_id=member_id,
            page=str(payload.get("page") or ""),
            fields=fields,
            expires_at=expiry,
        )


@dataclass(frozen=True)
class IdentifyFollowerMessage:
    """{"follower_id": <the official-account follower's id>}: the follower's
    openid stays sealed in its events, out of the outbox."""

    kind: ClassVar[str] = IDENTIFY_FOLLOWER

    follower_id: UUID

    @property
    def message_id(self) -> str:
        return f"{IDENTIFY_FOLLOWER}:{self.follower_id}"

    def to_payload(self) -> dict[str, Any]:
        return {"follower_id": str(self.follower_id)}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> IdentifyFollowerMessage:
        if payload.get("follower_id") is None and payload.get("openid"):
            return cls(follower_id=follower_id_for(str(payload["openid"])))  # queued earlier
        _required(payload, "follower_id")
        try:
            return cls(follower_id=UUID(str(payload["follower_id"])))
        except ValueError:
            raise MalformedMessage("follower_id", "not a follower id") from None


@dataclass(frozen=True)
class LowStockMessage:
    """{"sku_id", "product_id", "crossing", "available", "threshold"}."""

    kind: ClassVar[str] = LOW_STOCK

    sku_id: str
    product_id: str
    crossing: int
    available: int
    threshold: int

    @property
    def message_id(self) -> str:
        return f"{LOW_STOCK}:{self.sku_id}:{self.crossing}"

    def to_payload(self) -> dict[str, Any]:
        return {
            "sku_id": self.sku_id,
            "product_id": self.product_id,
            "crossing": self.crossing,
            "available": self.available,
            "threshold": self.threshold,
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> LowStockMessage:
        _required(payload, "sku_id", "crossing", "available", "threshold")
        try:
            figures = [int(payload[name]) for name in ("crossing", "available", "threshold")]
        except (TypeError, ValueError) as error:
            raise MalformedMessage("payload", f"not a low-stock alert: {error}") from None
        crossing, available, threshold = figures
        return cls(
            sku_id=str(payload["sku_id"]),
            product_id=str(payload.get("product_id") or ""),
            crossing=crossing,
            available=available,
            threshold=threshold,
        )
