"""Personal data in responses (phone, address, order note, nickname, avatar,
birthday): read models keep it sealed under the member's key; only the API
opens it, for the member themself or the shop's operators. After the member
closed the account their key is gone, and it reads as redacted."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ..adapters.pii.vault import PREFIX as SEALED_PREFIX
from ..bootstrap import container
from ..projections.base import Doc

PROFILE_FIELDS = ("nickname", "avatar_url", "birthday")


def reveal_order(doc: Doc) -> Doc:
    """The order document with its delivery address and note opened (None once
    shredded). Notes of orders placed before notes were sealed read as written."""
    member_id = UUID(doc["member_id"])
    delivery: dict[str, Any] = dict(doc.get("delivery") or {})
    sealed = delivery.pop("sealed_address", None)
    if sealed is not None:
        address = container().vault.open_json(member_id, sealed)
        delivery["address"] = address
        delivery["address_redacted"] = address is None
    else:
        delivery["address"] = None
    return {**doc, "delivery": delivery, "note": reveal_text(member_id, doc.get("note"))}


def reveal_text(member_id: UUID, value: str | None) -> str | None:
    """A personal text field as recorded: opened when sealed (None once shredded),
    as is when it was recorded before such fields were sealed."""
    if value is None or not value.startswith(SEALED_PREFIX):
        return value
    return container().vault.open(member_id, value)


def reveal_orders(docs: list[Doc]) -> list[Doc]:
    return [reveal_order(doc) for doc in docs]


def reveal_profile(doc: Doc) -> Doc:
    """A member document with nickname, avatar URL and birthday opened (each
    None once shredded; recorded before they were sealed: as written)."""
    member_id = UUID(doc["member_id"])
    opened = {field: reveal_text(member_id, doc.get(field)) for field in PROFILE_FIELDS}
    return {**doc, **opened}


def reveal_phone(member_id: UUID, sealed: str | None) -> str | None:
    return container().vault.open(member_id, sealed) if sealed else None
