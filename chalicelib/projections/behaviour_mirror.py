"""Mirrors the order log's facts the behaviour log's cross-log figures need
into the behaviour log (domain/mirrored_facts.py says which and why): this
projection enqueues one `mirror_behaviour` outbox message per fact, and the
outbox handler records it there. Message ids come from the fact, so a rebuild
or a redelivered event enqueues nothing new.

Documents:
- `registering/<member id>`: a registration (or a rejoining) whose login is
  still to come; the registering login (saved with it) gives the source, then
  the document goes;
- `orders/<order id>`: the order's member, which its payment and refund events
  do not carry.

Not mirrored: an invite code sent in a registration's body (its referral is
saved after the login, so the mirrored registration keeps the login's own
source), payments of orders already closed (PaidAfterClose: no order was
paid as far as the shop is concerned), logins other than the registering one
(launches are the behaviour log's own visits).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ..domain.attribution import source_of
from ..domain.exposure import Exposure
from ..domain.member import Member
from ..domain.mirrored_facts import (
    ACCOUNT_CLOSED,
    EXPOSURE,
    ORDER_PAID,
    ORDER_PLACED,
    ORDER_REFUNDED,
    REGISTERED,
    MirroredFact,
)
from ..domain.order import Order
from .base import Handler, ViewWriter, plain

REGISTERING = "registering"
ORDERS = "orders"


def _mirror(
    views: ViewWriter, member_id: UUID, kind: str, key: str, at: datetime, **fields: Any
) -> None:
    fact = MirroredFact(member_id, kind, key, at, fields)
    views.enqueue(fact.message_id, fact.kind_of_message, fact.to_payload())


def _on_registered(e: Member.Registered, views: ViewWriter) -> None:
    views.put(REGISTERING, str(e.originator_id), {"at": plain(e.registered_at)})


def _on_rejoined(e: Member.Rejoined, views: ViewWriter) -> None:
    views.put(REGISTERING, str(e.originator_id), {"at": plain(e.at)})


def _on_logged_in(e: Member.LoggedIn, views: ViewWriter) -> None:
    member_id = str(e.originator_id)
    registering = views.get(REGISTERING, member_id)
    if registering is None:
        return
    at = datetime.fromisoformat(registering["at"])
    source = source_of(e.scene, e.query).key
    # the key tells a rejoining (a new registration of the same id) from the first one
    _mirror(views, e.originator_id, REGISTERED, f"v{e.originator_version}", at, source=source)
    views.delete(REGISTERING, member_id)


def _on_closed(e: Member.Closed, views: ViewWriter) -> None:
    views.delete(REGISTERING, str(e.originator_id))
    _mirror(views, e.originator_id, ACCOUNT_CLOSED, f"v{e.originator_version}", e.at)


def _on_placed(e: Order.Placed, views: ViewWriter) -> None:
    order_id = str(e.originator_id)
    views.put(ORDERS, order_id, {"member_id": str(e.member_id)})
    _mirror(views, e.member_id, ORDER_PLACED, order_id, e.placed_at, order_id=order_id)


def _on_paid(e: Order.Paid, views: ViewWriter) -> None:
    order_id = str(e.originator_id)
    order = views.get(ORDERS, order_id)
    if order is None:  # placed before anything was recorded of it: no member to credit
        return
    member_id = UUID(order["member_id"])
    _mirror(
        views, member_id, ORDER_PAID, order_id, e.at, order_id=order_id, amount_fen=e.amount_fen
    )


def _on_refunded(e: Order.Refunded | Order.AfterSaleRefunded, views: ViewWriter) -> None:
    order_id = str(e.originator_id)
    order = views.get(ORDERS, order_id)
    if order is None:
        return
    key = f"{order_id}:{e.originator_version}"  # one per refund of the order
    member_id = UUID(order["member_id"])
    _mirror(views, member_id, ORDER_REFUNDED, key, e.at, order_id=order_id, amount_fen=e.amount_fen)


def _on_exposed(e: Exposure.Recorded, views: ViewWriter) -> None:
    fields = {"experiment": e.experiment, "variant": e.variant}
    _mirror(views, e.member_id, EXPOSURE, e.experiment, e.at, **fields)


HANDLERS: dict[type, Handler] = {
    Member.Registered: _on_registered,
    Member.Rejoined: _on_rejoined,
    Member.LoggedIn: _on_logged_in,
    Member.Closed: _on_closed,
    Order.Placed: _on_placed,
    Order.Paid: _on_paid,
    Order.Refunded: _on_refunded,
    Order.AfterSaleRefunded: _on_refunded,  # a partial refund (after_sales.py)
    Exposure.Recorded: _on_exposed,
}


class BehaviourMirrorProjection:
    name = "behaviour_mirror"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
