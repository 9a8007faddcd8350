"""Behaviour events the mini-program reports (POST /track): the kinds, their
fields, and the rule for the client's clock. Pure: the caller passes the
server's time.

One item is checked on its own: the first thing wrong with it becomes a
`Rejection` naming the field, and the batch's other items are unaffected.
Client times later than the server's are taken as the server's (a phone's
clock running ahead cannot date an event after its receipt); times more than
MAX_AGE before the server's are refused as out of range."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

MAX_ITEMS = 50
MAX_AGE = timedelta(days=7)
"""An event dated longer ago than this is refused (`at` out of range)."""
MAX_FUTURE = timedelta(0)
"""How far after the server's time an event may be dated as sent; later is taken as now."""
MAX_ID = 64
MAX_PATH = 256
MAX_QUERY_KEYS = 20
MAX_QUERY_KEY = 64
MAX_QUERY_VALUE = 512
MAX_SEARCH_TEXT = 100
MAX_COUNT = 1_000_000
MAX_SCENE = 999_999
CHANNELS = ("chat", "moments", "poster")
INSTALL_ID_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"
"""An install's id, sent with events before login and with the login itself."""
CLIENT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
"""A client's event id (a UUID, a counter, ...); events the server records
itself use ids outside this set, so a client can never pre-empt them."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ItemError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass(frozen=True)
class Tracked:
    """A valid item, its time clamped."""

    client_id: str
    kind: str
    at: datetime
    client_at: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Rejection:
    index: int
    client_id: str | None
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "id": self.client_id,
            "field": self.field,
            "message": self.message,
        }


def member_subject(member_id: UUID) -> str:
    return f"member:{member_id}"


def install_subject(install_id: str) -> str:
    return f"install:{install_id}"


def check_item(index: int, raw: object, now: datetime) -> Tracked | Rejection:
    """The item as recorded, or why it is refused (the first field found wrong)."""
    client_id = raw.get("id") if isinstance(raw, dict) else None
    given_id = client_id if isinstance(client_id, str) and CLIENT_ID.fullmatch(client_id) else None
    try:
        if not isinstance(raw, dict):
            raise ItemError("item", "must be an object")
        return _checked(raw, now)
    except ItemError as error:
        return Rejection(index, given_id, error.field, error.message)


def _checked(raw: dict[str, Any], now: datetime) -> Tracked:
    client_id = raw.get("id")
    if not isinstance(client_id, str) or not CLIENT_ID.fullmatch(client_id):
        raise ItemError("id", f"1 to {MAX_ID} letters, digits or _ . : -")
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise ItemError("kind", f"one of {', '.join(KINDS)}")
    at, client_at = _time(raw, now)
    checks = KINDS[kind]
    unknown = sorted(raw.keys() - {"id", "kind", "at"} - checks.keys())
    if unknown:
        raise ItemError(unknown[0], f"not a field of a {kind} event")
    fields = {name: check(raw, name) for name, check in checks.items()}
    return Tracked(
        client_id, kind, at, client_at, {k: v for k, v in fields.items() if v is not None}
    )


def _time(raw: dict[str, Any], now: datetime) -> tuple[datetime, str]:
    value = raw.get("at")
    if not isinstance(value, str) or len(value) > 40:
        raise ItemError(
            "at", "an ISO 8601 time with its UTC offset, e.g. 2026-11-01T10:00:00+08:00"
        )
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise ItemError("at", "not an ISO 8601 time") from None
    if at.tzinfo is None or at.utcoffset() is None:
        raise ItemError("at", "needs its UTC offset, e.g. +08:00")
    if at < now - MAX_AGE:
        raise ItemError(
            "at", f"out of range: more than {MAX_AGE.days} days before the server's time"
        )
    if at > now + MAX_FUTURE:
        return now + MAX_FUTURE, value  # never converted: a far-off year would overflow
    return at.astimezone(now.tzinfo), value


def _text(raw: dict[str, Any], name: str, longest: int, *, optional: bool = False) -> Any:
    value = raw.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ItemError(name, "a non-empty string")
    if len(value) > longest:
        raise ItemError(name, f"at most {longest} characters")
    if _CONTROL.search(value):
        raise ItemError(name, "must not contain control characters")
    return value


def _path(raw: dict[str, Any], name: str) -> Any:
    return _text(raw, name, MAX_PATH)


def _integer(low: int, high: int) -> Callable[[dict[str, Any], str], Any]:
    def check(raw: dict[str, Any], name: str) -> int:
        value = raw.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ItemError(name, "an integer")
        if not low <= value <= high:
            raise ItemError(name, f"between {low} and {high}")
        return value

    return check


def _query(raw: dict[str, Any], name: str) -> dict[str, str]:
    value = raw.get(name, {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ItemError(name, "an object of strings")
    if len(value) > MAX_QUERY_KEYS:
        raise ItemError(name, f"at most {MAX_QUERY_KEYS} keys")
    for key, text in value.items():
        if not 0 < len(key) <= MAX_QUERY_KEY:
            raise ItemError(name, f"keys have 1 to {MAX_QUERY_KEY} characters")
        if not isinstance(text, str):
            raise ItemError(f"{name}.{key}", "a string")
        if len(text) > MAX_QUERY_VALUE:
            raise ItemError(f"{name}.{key}", f"at most {MAX_QUERY_VALUE} characters")
    return dict(value)


def _product_id(raw: dict[str, Any], name: str) -> str:
    value = raw.get(name)
    try:
        if isinstance(value, str) and len(value) <= MAX_ID:
            return str(UUID(value))
    except ValueError:
        pass  # the same answer as any other value that is not a UUID, below
    raise ItemError(name, "a product id (UUID)")


def _channel(raw: dict[str, Any], name: str) -> str:
    value = raw.get(name)
    if value not in CHANNELS:
        raise ItemError(name, f"one of {', '.join(CHANNELS)}")
    return str(value)


Check = Callable[[dict[str, Any], str], Any]
KINDS: Mapping[str, Mapping[str, Check]] = {
    "launch": {
        "scene": _integer(0, MAX_SCENE),
        "query": _query,
        "path": _path,
        "inviter": lambda raw, name: _text(raw, name, MAX_ID, optional=True),
        "share_ticket": lambda raw, name: _text(raw, name, MAX_PATH, optional=True),
    },
    "page_view": {"path": _path, "query": _query},
    "product_view": {"product_id": _product_id},
    "search": {
        "text": lambda raw, name: _text(raw, name, MAX_SEARCH_TEXT),
        "result_count": _integer(0, MAX_COUNT),
    },
    "share": {"path": _path, "channel": _channel},
    "checkout_view": {},
    "follow_prompt": {"path": _path},
}
"""Each kind's fields and their checks, in the order they are checked."""
