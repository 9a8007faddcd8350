"""The order log's facts the behaviour log's cross-log figures need (the
acquisition funnel, the share rate per experiment variant), as the outbox
message that carries each one over, and as the behaviour event it becomes.

Both figures join what a member did in the mini-program (launches, product
views, shares: the behaviour log) with what the shop recorded (registrations,
orders, payments, refunds, experiment exposures: the order log). Each log has
its own total order, so a projection reading both could not be rebuilt equal
to itself; instead the order log's facts are mirrored into the behaviour log as
server events, and the cross-log projections read the behaviour log alone.

A fact is mirrored as `kind` on subject `member:<member id>` with client id
`server/<kind>/<key>`: a client's event id never holds "/" (domain/behaviour.py
CLIENT_ID), so a client can neither pre-empt nor repeat it, and the behaviour
log's id from (subject, client id) records it once however often the message
is redelivered. Its `at` is the fact's time in the order log. Only member ids,
order ids, amounts in fen, a source key and experiment keys are mirrored:
never a name, an openid, a phone or a raw page query."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Final
from uuid import UUID

from .outbox_messages import MalformedMessage

MIRROR_BEHAVIOUR: Final = "mirror_behaviour"
"""The outbox message kind."""

REGISTERED: Final = "registered"
"""fields: source (the registering login's source key, domain/attribution.py)."""
ORDER_PLACED: Final = "order_placed"
"""fields: order_id."""
ORDER_PAID: Final = "order_paid"
"""fields: order_id, amount_fen."""
ORDER_REFUNDED: Final = "order_refunded"
"""fields: order_id, amount_fen."""
EXPOSURE: Final = "exposure"
"""fields: experiment, variant."""
ACCOUNT_CLOSED: Final = "account_closed"
"""No fields: the projections over the behaviour log drop the member's own
documents (what they remember of the member) and keep the counts."""
FOLLOWED: Final = "followed"
"""No fields: the member followed the official account (a follower linked to the
member by unionid; mirrored by the oa_metrics projection, which knows the link,
at the follow's time, once the link is known)."""
KINDS: Final = (
    REGISTERED,
    ORDER_PLACED,
    ORDER_PAID,
    ORDER_REFUNDED,
    EXPOSURE,
    ACCOUNT_CLOSED,
    FOLLOWED,
)
SERVER_PREFIX: Final = "server/"


def server_client_id(kind: str, key: str) -> str:
    return f"{SERVER_PREFIX}{kind}/{key}"


@dataclass(frozen=True)
class MirroredFact:
    """{"member_id", "kind", "key", "at": <ISO time with offset>, "fields"}:
    `key` tells this fact from the member's other facts of the same kind (the
    member for a registration, the order, the refund, the experiment)."""

    kind_of_message: ClassVar[str] = MIRROR_BEHAVIOUR

    member_id: UUID
    kind: str
    key: str
    at: datetime
    fields: dict[str, Any]

    @property
    def message_id(self) -> str:
        return f"{MIRROR_BEHAVIOUR}:{self.kind}:{self.member_id}:{self.key}"

    @property
    def client_id(self) -> str:
        return server_client_id(self.kind, self.key)

    def to_payload(self) -> dict[str, Any]:
        return {
            "member_id": str(self.member_id),
            "kind": self.kind,
            "key": self.key,
            "at": self.at.isoformat(),
            "fields": dict(self.fields),
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> MirroredFact:
        """MalformedMessage names the first field that is missing or wrong."""
        for name in ("member_id", "kind", "key", "at"):
            if not isinstance(payload.get(name), str) or not payload[name]:
                raise MalformedMessage(name, f"the fact has no {name}")
        if payload["kind"] not in KINDS:
            raise MalformedMessage("kind", f"one of {', '.join(KINDS)}")
        fields = payload.get("fields", {})
        if not isinstance(fields, dict):
            raise MalformedMessage("fields", "an object")
        try:
            member_id = UUID(payload["member_id"])
        except ValueError:
            raise MalformedMessage("member_id", "not a member id") from None
        try:
            at = datetime.fromisoformat(payload["at"])
        except ValueError:
            raise MalformedMessage("at", "not an ISO time") from None
        if at.tzinfo is None:
            raise MalformedMessage("at", "a time with its UTC offset")
        return cls(member_id, payload["kind"], payload["key"], at, dict(fields))
